"""The Schedule 8 register's rules: what each kind of entry needs, how it moves the running
balance, and why the balance never goes below zero (docs/JURISDICTIONS.md).

Stock is counted in whole units of one product (devices, ampoules, lozenges). An entry is
never changed: a correction is a new entry naming the original, carrying the right quantity;
it moves the balance by the difference. A stocktake records the counted balance; a count that
differs from the running balance is a flagged discrepancy with its explanation. Stdlib only.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from kapnotes.domain.errors import ValidationError
from kapnotes.domain.jurisdiction_model import EntryKind, JurisdictionPack, Product

MAX_UNITS = 100_000  # far above any clinic's stock; a typo of extra digits is refused
MOVEMENTS = (EntryKind.RECEIPT, EntryKind.ADMINISTRATION, EntryKind.WASTAGE,
             EntryKind.DESTRUCTION, EntryKind.TRANSFER_IN, EntryKind.TRANSFER_OUT)


@dataclass(frozen=True)
class EntryDraft:
    """What the user (or a dosing session's proposal) asks to enter.

    `quantity` is whole units; for a stocktake the counted balance; for a correction the
    right quantity of the entry it corrects."""

    kind: EntryKind
    occurred_at: datetime
    quantity: int
    recorded_by: str
    witness: str = ""
    supplier: str = ""
    invoice: str = ""
    party: str = ""  # where a transfer came from or went to
    session_id: int | None = None
    dose_mg: float | None = None
    discarded_mg: float | None = None
    explanation: str = ""  # stocktake discrepancy, correction, destruction reason
    corrects_id: int | None = None


@dataclass(frozen=True)
class RegisterEntry:
    """One stored line of a register, with the balance after it."""

    id: int
    register_id: int
    kind: EntryKind
    occurred_at: datetime
    recorded_at: datetime
    quantity: int
    change: int
    balance: int
    recorded_by: str
    witness: str = ""
    supplier: str = ""
    invoice: str = ""
    party: str = ""
    session_id: int | None = None
    client_code: str = ""
    dose_mg: float | None = None
    discarded_mg: float | None = None
    explanation: str = ""
    corrects_id: int | None = None

    @property
    def discrepancy(self) -> bool:
        return self.kind is EntryKind.STOCKTAKE and self.change != 0


@dataclass(frozen=True)
class Register:
    """A register of one product, as opened in the vault (the product as it was then)."""

    id: int
    product_id: str
    title: str
    unit: str
    mg_per_unit: float
    ml_per_unit: float | None
    medicine: str


def signed(kind: EntryKind, quantity: int) -> int:
    """How a movement of `quantity` units moves the balance: receipts and transfers in add
    stock, the other movements take it away."""
    return quantity if kind in (EntryKind.RECEIPT, EntryKind.TRANSFER_IN) else -quantity


def effective_quantity(original: RegisterEntry, corrections: list[RegisterEntry]) -> int:
    """The quantity an entry stands for now: its newest correction's, else its own."""
    mine = [c for c in corrections if c.corrects_id == original.id]
    return mine[-1].quantity if mine else original.quantity


def _need(value: str, field: str, why: str) -> None:
    if not value.strip():
        raise ValidationError(field, why)


def change_for(draft: EntryDraft, balance: int, pack: JurisdictionPack | None,
               product: Product | Register, *, corrected: RegisterEntry | None = None,
               corrected_quantity: int | None = None) -> int:
    """How the draft moves `balance`, after checking what its kind needs; ValidationError
    names the field and changes nothing. The result never leaves the balance below zero."""
    q = draft.quantity
    if isinstance(q, bool) or not isinstance(q, int) or not 0 <= q <= MAX_UNITS:
        raise ValidationError("Quantity", f"must be a whole number of {product.unit}s, "
                                          f"0 to {MAX_UNITS}")
    _need(draft.recorded_by, "Entered by", "name who makes the entry")
    kind = draft.kind
    if kind in MOVEMENTS and q == 0:
        raise ValidationError("Quantity", f"a {kind.label.lower()} moves at least one "
                                          f"{product.unit}")
    if kind is EntryKind.RECEIPT:
        _need(draft.supplier, "Supplier", "name the supplier the stock came from")
        _need(draft.invoice, "Invoice", "give the invoice or delivery number")
    if kind in (EntryKind.TRANSFER_IN, EntryKind.TRANSFER_OUT):
        way = "came from" if kind is EntryKind.TRANSFER_IN else "went to"
        _need(draft.party, "Transfer", f"name the practice or pharmacy the stock {way}")
    if kind is EntryKind.ADMINISTRATION:
        if draft.session_id is None:
            raise ValidationError("Session", "an administration is entered from its dosing "
                                             "session")
        if draft.dose_mg is None or not 0 < draft.dose_mg <= q * product.mg_per_unit:
            raise ValidationError("Dose", f"must be above 0 and at most what {q} "
                                          f"{product.unit}(s) hold")
    if kind is EntryKind.DESTRUCTION:
        _need(draft.explanation, "Reason", "say why the stock is destroyed (expired, "
                                           "damaged, returned…)")
    witnessed = kind if kind is not EntryKind.ADMINISTRATION or not draft.discarded_mg \
        else EntryKind.WASTAGE
    rule = pack.witness_rule(witnessed) if pack is not None else None
    if rule is not None or kind is EntryKind.DESTRUCTION:
        why = rule.title if rule is not None else "destruction is witnessed"
        _need(draft.witness, "Witness", f"name the witness ({why})")
    if kind is EntryKind.CORRECTION:
        change = _correction_change(draft, corrected, corrected_quantity)
    elif kind is EntryKind.STOCKTAKE:
        change = q - balance
        if change:
            _need(draft.explanation, "Explanation",
                  f"the count ({q}) differs from the register balance ({balance}) by "
                  f"{change:+d}: explain the discrepancy")
    else:
        change = signed(kind, q)
    if balance + change < 0:
        raise ValidationError(
            "Quantity", f"would take the balance below zero ({balance} {product.unit}(s) in "
            f"the register, this entry takes {-change}); if stock is missing, record a "
            "stocktake of what is there, with its explanation, first")
    return change


def _correction_change(draft: EntryDraft, corrected: RegisterEntry | None,
                       corrected_quantity: int | None) -> int:
    if corrected is None or corrected_quantity is None:
        raise ValidationError("Corrects", "choose the entry this corrects")
    if corrected.kind is EntryKind.CORRECTION:
        raise ValidationError("Corrects", f"entry {corrected.id} is itself a correction; "
                                          f"correct the original entry "
                                          f"{corrected.corrects_id}")
    _need(draft.explanation, "Explanation", "say what was wrong with the entry")
    if draft.quantity == corrected_quantity:
        raise ValidationError("Quantity", f"entry {corrected.id} already stands for "
                                          f"{corrected_quantity}; give the right quantity")
    if corrected.kind is EntryKind.STOCKTAKE:
        return draft.quantity - corrected_quantity
    # A right quantity of 0 says the entry was made in error (nothing moved).
    return signed(corrected.kind, draft.quantity) - signed(corrected.kind, corrected_quantity)


def dose_units(product: Product | Register, dose_mg: float) -> int:
    """Whole units a dose draws: 56 mg is 2 devices, 140 mg one 200 mg ampoule."""
    whole, part = divmod(round(dose_mg * 1000), round(product.mg_per_unit * 1000))
    return int(whole) + (1 if part else 0)


def in_register_order(entries: list[RegisterEntry]) -> list[RegisterEntry]:
    """The entries, in the order given, with the change each makes and the balance after it
    in that order. A vault alone gets back what it stored; with a practice server, entries
    made apart on two workstations meet in the server's order (docs/PRACTICE-SERVER.md,
    "The Schedule 8 register"): a movement moves the balance by its quantity, a stocktake
    sets it to the count (its discrepancy is against the balance before it in this order), a
    correction moves it by the difference from what the entry it corrects stood for. Two
    workstations that drew the same last units apart show a balance below zero, flagged on
    the page, until a stocktake records what is there."""
    out: list[RegisterEntry] = []
    balance = 0
    stands: dict[int, tuple[EntryKind, int]] = {}  # entry id → (kind, quantity it stands for)
    for e in entries:
        if e.kind is EntryKind.CORRECTION and e.corrects_id in stands:
            kind, was = stands[e.corrects_id]
            change = e.quantity - was if kind is EntryKind.STOCKTAKE \
                else signed(kind, e.quantity) - signed(kind, was)
            stands[e.corrects_id] = (kind, e.quantity)
        elif e.kind is EntryKind.CORRECTION:
            change = e.change  # what it corrects is not in this register here
        elif e.kind is EntryKind.STOCKTAKE:
            change = e.quantity - balance
        else:
            change = signed(e.kind, e.quantity)
        stands[e.id] = (e.kind, e.quantity)
        balance += change
        out.append(e if (e.change, e.balance) == (change, balance)
                   else replace(e, change=change, balance=balance))
    return out


def running_ok(entries: list[RegisterEntry]) -> bool:
    """The stored balances follow from the changes and never go below zero."""
    balance = 0
    for e in entries:
        balance += e.change
        if e.balance != balance or balance < 0:
            return False
    return True


@dataclass(frozen=True)
class RegisterPage:
    """One register over a period, as printed: the balance carried in, the entries with their
    running balance, and which entries later corrections name (both are shown)."""

    register: Register
    jurisdiction: str
    start: datetime | None
    end: datetime | None
    opening_balance: int
    entries: tuple[RegisterEntry, ...]
    corrected_by: dict[int, tuple[int, ...]]

    @property
    def closing_balance(self) -> int:
        return self.entries[-1].balance if self.entries else self.opening_balance


def page_of(register: Register, jurisdiction: str, entries: list[RegisterEntry],
            start: datetime | None, end: datetime | None) -> RegisterPage:
    """The entries recorded in [start, end) (by when they were entered, the order of the
    running balance), with the balance before the first of them."""
    inside = [e for e in entries if (start is None or e.recorded_at >= start)
              and (end is None or e.recorded_at < end)]
    # Entries from two workstations can reach the register's order late: the balance
    # carried in is the one just before the first entry shown.
    first = entries.index(inside[0]) if inside else len(entries)
    before = [e for e in entries[:first] if start is not None and e.recorded_at < start]
    corrected: dict[int, list[int]] = {}
    for e in entries:
        if e.corrects_id is not None:
            corrected.setdefault(e.corrects_id, []).append(e.id)
    return RegisterPage(register, jurisdiction, start, end,
                        before[-1].balance if before else 0, tuple(inside),
                        {k: tuple(v) for k, v in corrected.items()})


def entry_details(entry: RegisterEntry, register: Register,
                  corrected_by: dict[int, tuple[int, ...]]) -> str:
    """What the entry says, in words, with the corrections that name it."""
    kind = entry.kind
    unit = register.unit
    if kind is EntryKind.RECEIPT:
        text = f"From {entry.supplier}, invoice {entry.invoice}"
    elif kind is EntryKind.ADMINISTRATION:
        session = f"dosing session {entry.session_id}" if entry.session_id \
            else "a dosing session not held in this vault"
        # A dose shared from a client outside this clinician's care teams comes without
        # whose it was (docs/PRACTICE-SERVER.md, "The Schedule 8 register").
        whose = f"Client {entry.client_code}, {session}" if entry.client_code \
            else "A client not on this workstation's care teams"
        text = f"{whose}: {entry.dose_mg or 0:g} mg"
        per = register.ml_per_unit
        if per is not None and entry.dose_mg:
            text += f" ({round(entry.dose_mg * per / register.mg_per_unit, 2):g} mL)"
        if entry.discarded_mg:
            text += f"; {entry.discarded_mg:g} mg discarded"
    elif kind in (EntryKind.TRANSFER_IN, EntryKind.TRANSFER_OUT):
        text = ("From " if kind is EntryKind.TRANSFER_IN else "To ") + entry.party
    elif kind is EntryKind.STOCKTAKE:
        text = f"Counted {entry.quantity} {unit}(s)"
        if entry.change:
            text += f"; DISCREPANCY {entry.change:+d}: {entry.explanation}"
    elif kind is EntryKind.CORRECTION:
        text = f"Corrects entry {entry.corrects_id}: should be {entry.quantity} {unit}(s). " \
               f"{entry.explanation}"
    else:
        text = entry.explanation
    if entry.balance < 0:
        text += " [BALANCE BELOW ZERO: entries made apart on two workstations drew the same " \
                "stock; count it and record a stocktake]"
    later = corrected_by.get(entry.id)
    if later:
        text += f" [corrected by entry {', '.join(str(n) for n in later)}]"
    return text.strip()
