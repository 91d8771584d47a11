"""export layer of KAP Notes."""
