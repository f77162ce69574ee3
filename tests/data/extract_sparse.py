"""Extracts a zip with Python's zipfile (which checks each member's CRC-32 as it reads),
leaving runs of zeros as holes: a 4.5 GiB member of zeros takes no disk when unzipped.

    python3 tests/data/extract_sparse.py ARCHIVE.zip FOLDER
"""
import os
import sys
import zipfile

archive, folder = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(archive) as z:
    for info in z.infolist():
        path = os.path.join(folder, info.filename)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with z.open(info) as src, open(path, "wb") as dst:
            while True:
                block = src.read(1 << 20)
                if not block:
                    break
                if block.count(0) == len(block):
                    dst.seek(len(block), os.SEEK_CUR)
                else:
                    dst.write(block)
            dst.truncate()
