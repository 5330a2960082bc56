"""Readers of user downloads (UN Comtrade, CEPII BACI, IMF, WITS)."""
