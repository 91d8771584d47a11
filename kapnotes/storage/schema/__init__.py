"""Schema migrations, one module each; never edit one that has shipped."""
