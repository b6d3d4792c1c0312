"""Pure domain logic: no network, no terminal, no disk except through arguments."""
