"""One module per family of rules; importing a module registers its rules."""
