"""Nudges: the outbox, their delivery through web push, and the rules that plan them."""
