"""dialogs layer of KAP Notes."""
