"""Reads, always scoped to what the user may see; one module per module of services/.

Every function that fetches an object by id answers Http404 both when it does not exist and when
it belongs to an organisation the user is not an active member of, so the two cannot be told apart.
"""
