"""Traffy Fondue's public ticket dump → Ruam reports.

``reader`` parses the dump (pure Python, no Django); ``plan`` decides what each ticket becomes;
``writer`` writes each batch in one transaction; ``summary`` counts; ``importer`` runs them.
``ruam import-traffy`` is the command; ``docs/IMPORT.md`` explains the reject reasons.
"""
