"""models layer of KAP Notes."""
