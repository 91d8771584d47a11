"""storage layer of KAP Notes."""
