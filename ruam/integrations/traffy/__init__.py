"""Traffy Fondue's public ticket dump → Ruam reports.

``reader`` parses the dump (pure Python, no Django); ``importer`` writes reports in batches.
``ruam import-traffy`` is the command; ``docs/IMPORT.md`` explains the reject reasons.
"""
