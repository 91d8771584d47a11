"""widgets layer of KAP Notes."""
