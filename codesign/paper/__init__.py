"""Paper sheets: print a team's sheet, read a phone photo of it back into a concept.

:mod:`~codesign.paper.sheet` prints the sheet (the site map in grey, corner markers, a QR code,
the pen legend); :func:`~codesign.paper.scan.scan_photo` reads a photo of it (markers, QR code,
pen colours, marks); :func:`~codesign.paper.concept.scan_to_concept` hands the marks, with the
facilitator's colour -> category mapping, to the importer's validation (clip, repair, refuse).
Layout and georeference: :mod:`~codesign.paper.layout`; shared rules: :mod:`codesign.domain.paper`.
"""
