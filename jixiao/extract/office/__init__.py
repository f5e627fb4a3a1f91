"""Office formats: .docx (docx.py, numbering.py), .doc via LibreOffice (doc.py), .xlsx and .xls.

container.py opens the zip-based ones (.docx, .xlsx) and holds the one zip-bomb / XXE check."""
