"""Field monitoring: visit plans, reintegration scores and struggling-enterprise flags.

Pure Python: the rules and weights arrive as data (admins edit them), the
evidence as plain values; nothing here reads a database.
"""
