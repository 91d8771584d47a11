"""Core domain of KAP Notes: plain data and rules, standard library only."""
