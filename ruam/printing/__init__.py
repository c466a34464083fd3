"""Printing documents to PDF with Thai text that copies out as it was written.

Plain Python (WeasyPrint, fontTools), no Django: ``pdf.render_pdf`` turns HTML into a PDF with
nothing fetched from anywhere, ``fonts.print_fonts`` prepares the Thai font it prints with.
"""
