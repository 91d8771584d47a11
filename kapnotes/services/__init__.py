"""services layer of KAP Notes."""
