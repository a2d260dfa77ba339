"""Every write. Keyword-only functions ``<thing>_<action>(*, ..., actor)``, one transaction each,
each writing its contribution log entry in that transaction."""
