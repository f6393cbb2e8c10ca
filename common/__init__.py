"""Shared package (layer 1): pagination, time windows, environment parsing, phone numbers,
advisory locks and the client address. Imports Django only, never an app of ours."""
