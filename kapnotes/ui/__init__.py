"""ui layer of KAP Notes."""
