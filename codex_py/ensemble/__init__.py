"""Ensembles: several models decide a call together; the safety vote."""
