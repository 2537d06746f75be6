"""The adversarial CSV inputs: structure, bytes and text, values, and other record types.

Each entry is a set of files and what reading it must give (see ``test_adversarial_files.py``).
"""

from __future__ import annotations

import gzip

from adversarial_inputs import BIG, OPS, E, Expect, G, J, S, Setup, T, _json, file

CSV_CASES: dict[str, tuple[Setup, Expect]] = {
    # ------------------------------------------------------------ CSV: structure
    "empty file": (file("s.csv", ""), ("is empty: a header row is required", None)),
    "header only": (file("s.csv", S), 0),
    "header only without a line end": (file("s.csv", S.rstrip("\n")), 0),
    "one good row": (file("s.csv", S + G), 1),
    "good row without a final line end": (file("s.csv", S + G.rstrip("\n")), 1),
    "BOM and good rows": (file("s.csv", "\ufeff" + S + G * 2), 2),
    "BOM only": (file("s.csv", "\ufeff"), ("is empty", None)),
    "CRLF line ends": (file("s.csv", (S + G * 3).replace("\n", "\r\n")), 3),
    "CR-only line ends": (file("s.csv", (S + G * 3).replace("\n", "\r")), 3),
    "mixed line ends": (file("s.csv", S + G.replace("\n", "\r\n") + G + G.replace("\n", "\r")), 3),
    "blank lines between rows": (file("s.csv", S + "\n" + G + "\n\n" + G), 2),
    "trailing blank lines": (file("s.csv", S + G + "\n\n\n"), 1),
    "embedded newline in a quoted cell": (
        file("s.csv", S + '2017-03-01,PER,crack,1.5,,"Alto\nHuallaga",\n'),
        1,
    ),
    "embedded CRLF in a quoted cell": (
        file("s.csv", S + '2017-03-01,PER,crack,1.5,,"Alto\r\nHuallaga",\n'),
        1,
    ),
    "quote doubled inside a cell": (
        file("s.csv", S + '2017-03-01,PER,crack,1.5,,"say ""hi""",\n'),
        1,
    ),
    "unterminated quote": (
        file("s.csv", S + '2017-03-01,PER,crack,1.5,,"Lima,\n' + G),
        ("malformed CSV", None),
    ),
    "quote inside an unquoted cell": (file("s.csv", S + '2017-03-01,PER,crack,1.5,,Li"ma,\n'), 1),
    "row with one cell too many": (
        file("s.csv", S + G + "2017-03-01,PER,crack,1.5,,Lima,,x\n"),
        ("has 8 cells where the header has 7", (3, None)),
    ),
    "row with one cell too few": (
        file("s.csv", S + "2017-03-01,PER,crack,1.5\n"),
        ("has 4 cells", (2, None)),
    ),
    "unknown column": (
        file("s.csv", "date,country,substance,mass_kg,colour\n2017-03-01,PER,crack,1,red\n"),
        ("columns fit no record type", None),
    ),
    "misspelt optional column": (
        file("s.csv", "date,country,substance,mass_kg,purty\n2017-03-01,PER,crack,1,0.5\n"),
        ("columns fit no record type", None),
    ),
    "missing required column": (
        file("s.csv", "date,country,substance\n2017-03-01,PER,crack\n"),
        ("columns fit no record type", None),
    ),
    "repeated column": (
        file("s.csv", "date,country,substance,mass_kg,mass_kg\n2017-03-01,PER,crack,1,2\n"),
        ("repeated column", (1, 5)),
    ),
    "empty column name": (
        file("s.csv", "date,country,substance,mass_kg,\n2017-03-01,PER,crack,1,\n"),
        ("columns fit no record type", None),
    ),
    "upper-case header": (file("s.csv", S.upper() + G), ("columns fit no record type", None)),
    "header with spaces": (
        file("s.csv", S.replace(",", ", ") + G),
        ("columns fit no record type", None),
    ),
    "quoted header": (
        file("s.csv", ",".join(f'"{n}"' for n in S.strip().split(",")) + "\n" + G),
        1,
    ),
    "a thousand unknown columns": (
        file("s.csv", S.strip() + "," + ",".join(f"c{i}" for i in range(1000)) + "\n"),
        ("columns fit no record type", None),
    ),
    "semicolon separated": (
        file("s.csv", "date;country;substance;mass_kg\n2017-03-01;PER;crack;1,5\n"),
        ("pass sep=';'", (1, 1)),
    ),
    "tab separated": (
        file("s.csv", "date\tcountry\tsubstance\tmass_kg\n2017-03-01\tPER\tcrack\t1.5\n"),
        ("pass sep='\\t'", (1, 1)),
    ),
    "pipe separated": (
        file("s.csv", "date|country|substance|mass_kg\n2017-03-01|PER|crack|1.5\n"),
        ("pass sep='|'", (1, 1)),
    ),
    "ten thousand good rows": (file("s.csv", S + G * 10_000), 10_000),
    "250 bad rows": (
        file("s.csv", S + "2017-03-01,PER,crack,abc,,Lima,\n" * 250),
        ("must be a real number", (2, 4)),
    ),
    "bad row after many good ones": (
        file("s.csv", S + G * 500 + "2017-03-01,PER,crack,-2,,Lima,\n"),
        ("must be > 0", (502, 4)),
    ),
    # ------------------------------------------------------------ CSV: bytes and text
    "10 MB text cell": (file("s.csv", S + f"2017-03-01,PER,crack,1.5,,{'x' * BIG},\n"), 1),
    "10 MB quoted cell with newlines": (
        file("s.csv", S + '2017-03-01,PER,crack,1.5,,"' + "ab\n" * (BIG // 3) + '",\n'),
        1,
    ),
    "10 MB number cell": (
        file("s.csv", S + f"2017-03-01,PER,crack,{'1' * BIG},,Lima,\n"),
        ("must be finite", (2, 4)),
    ),
    "invalid UTF-8 in a cell": (
        file("s.csv", (S + G * 3).encode() + b"2017-03-01,PER,crack,1,,Hu\xe1nuco,\n"),
        ("not UTF-8 text", (5, None)),
    ),
    "invalid UTF-8 in the header": (
        file("s.csv", b"date,coun\xfftry\n"),
        ("not UTF-8 text", (1, None)),
    ),
    "UTF-16 with BOM": (file("s.csv", S + G, "utf-16"), ("not UTF-8 text", (1, None))),
    "UTF-16 LE without BOM": (
        file("s.csv", S + G, "utf-16-le"),
        ("columns fit no record type", None),
    ),
    "Latin-1 accents": (
        file("s.csv", S + "2017-03-01,PER,crack,1,,Huánuco,\n", "latin-1"),
        ("not UTF-8 text", (2, None)),
    ),
    "Windows-1252 quotes": (
        file("s.csv", S + "2017-03-01,PER,crack,1,,\u201cLima\u201d,\n", "cp1252"),
        ("not UTF-8 text", (2, None)),
    ),
    "NUL byte in a text cell": (file("s.csv", S + "2017-03-01,PER,crack,1,,Li\x00ma,\n"), 1),
    "NUL byte in a number": (
        file("s.csv", S + "2017-03-01,PER,crack,1\x00,,Lima,\n"),
        ("must be a real number", (2, 4)),
    ),
    "NUL bytes only": (file("s.csv", b"\x00" * 64), ("columns fit no record type", None)),
    "PNG bytes": (file("s.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256))), ("", None)),
    "gzip bytes": (file("s.csv", gzip.compress((S + G).encode())), ("not UTF-8 text", (1, None))),
    "JSON text in a .csv": (file("s.csv", _json([J])), ("columns fit no record type", None)),
    "control characters in a text cell": (
        file("s.csv", S + "2017-03-01,PER,crack,1,,Li\x1b[31mma,\n"),
        1,
    ),
    "emoji and right-to-left text": (
        file("s.csv", S + "2017-03-01,PER,crack,1,,\U0001f33f \u0644\u064a\u0645\u0627,\n"),
        1,
    ),
    # ------------------------------------------------------------ CSV: values
    "zero mass": (file("s.csv", S + "2017-03-01,PER,crack,0,,Lima,\n"), ("must be > 0", (2, 4))),
    "negative mass": (
        file("s.csv", S + "2017-03-01,PER,crack,-1.5,,Lima,\n"),
        ("must be > 0", (2, 4)),
    ),
    "nan mass": (
        file("s.csv", S + "2017-03-01,PER,crack,nan,,Lima,\n"),
        ("must be finite", (2, 4)),
    ),
    "inf mass": (
        file("s.csv", S + "2017-03-01,PER,crack,inf,,Lima,\n"),
        ("must be finite", (2, 4)),
    ),
    "minus Infinity mass": (
        file("s.csv", S + "2017-03-01,PER,crack,-Infinity,,Lima,\n"),
        ("must be finite", (2, 4)),
    ),
    "overflowing mass 1e309": (
        file("s.csv", S + "2017-03-01,PER,crack,1e309,,Lima,\n"),
        ("must be finite", (2, 4)),
    ),
    "subnormal mass": (file("s.csv", S + "2017-03-01,PER,crack,5e-324,,Lima,\n"), 1),
    "mass with exponent": (file("s.csv", S + "2017-03-01,PER,crack,1.5E3,,Lima,\n"), 1),
    "mass with leading dot": (file("s.csv", S + "2017-03-01,PER,crack,.5,,Lima,\n"), 1),
    "mass with spaces": (
        file("s.csv", S + "2017-03-01,PER,crack, 1.5 ,,Lima,\n"),
        ("must be a real number", (2, 4)),
    ),
    "mass with thousands separator": (
        file("s.csv", S + '2017-03-01,PER,crack,"1,500",,Lima,\n'),
        ("must be a real number", (2, 4)),
    ),
    "mass with a unit": (
        file("s.csv", S + "2017-03-01,PER,crack,1.5kg,,Lima,\n"),
        ("must be a real number", (2, 4)),
    ),
    "mass with underscores": (
        file("s.csv", S + "2017-03-01,PER,crack,1_500,,Lima,\n"),
        ("must be a real number", (2, 4)),
    ),
    "mass in full-width digits": (
        file("s.csv", S + "2017-03-01,PER,crack,\uff11\uff15,,Lima,\n"),
        ("must be a real number", (2, 4)),
    ),
    "mass in hexadecimal": (
        file("s.csv", S + "2017-03-01,PER,crack,0x10,,Lima,\n"),
        ("must be a real number", (2, 4)),
    ),
    "empty mass": (file("s.csv", S + "2017-03-01,PER,crack,,,Lima,\n"), ("mass_kg", (2, 4))),
    "purity above one": (
        file("s.csv", S + "2017-03-01,PER,crack,1,1.5,Lima,\n"),
        ("purity", (2, 5)),
    ),
    "purity negative": (
        file("s.csv", S + "2017-03-01,PER,crack,1,-0.1,Lima,\n"),
        ("purity", (2, 5)),
    ),
    "purity as a percentage": (
        file("s.csv", S + "2017-03-01,PER,crack,1,50%,Lima,\n"),
        ("must be a real number", (2, 5)),
    ),
    "30 February": (
        file("s.csv", S + "2017-02-30,PER,crack,1,,Lima,\n"),
        ("must be an ISO 8601 date", (2, 1)),
    ),
    "month 13": (
        file("s.csv", S + "2017-13-01,PER,crack,1,,Lima,\n"),
        ("must be an ISO 8601 date", (2, 1)),
    ),
    "two-digit year": (
        file("s.csv", S + "17-03-01,PER,crack,1,,Lima,\n"),
        ("must be an ISO 8601 date", (2, 1)),
    ),
    "slashed date": (
        file("s.csv", S + "2017/03/01,PER,crack,1,,Lima,\n"),
        ("must be an ISO 8601 date", (2, 1)),
    ),
    "date and time": (
        file("s.csv", S + "2017-03-01T10:00,PER,crack,1,,Lima,\n"),
        ("must be an ISO 8601 date", (2, 1)),
    ),
    "date with a leading space": (
        file("s.csv", S + " 2017-03-01,PER,crack,1,,Lima,\n"),
        ("must be an ISO 8601 date", (2, 1)),
    ),
    "date with a trailing tab": (
        file("s.csv", S + "2017-03-01\t,PER,crack,1,,Lima,\n"),
        ("must be an ISO 8601 date", (2, 1)),
    ),
    "ISO week date": (
        file("s.csv", S + "2017-W09-3,PER,crack,1,,Lima,\n"),
        ("must be an ISO 8601 date", (2, 1)),
    ),
    "year 9999": (file("s.csv", S + "9999-12-31,PER,crack,1,,Lima,\n"), 1),
    "country with a digit": (
        file("s.csv", S + "2017-03-01,P3R,crack,1,,Lima,\n"),
        ("country", (2, 2)),
    ),
    "country of four letters": (
        file("s.csv", S + "2017-03-01,PERU,crack,1,,Lima,\n"),
        ("country", (2, 2)),
    ),
    "alpha-2 country": (file("s.csv", S + "2017-03-01,PE,crack,1,,Lima,\n"), ("country", (2, 2))),
    "country with a space": (
        file("s.csv", S + "2017-03-01, PER,crack,1,,Lima,\n"),
        ("country", (2, 2)),
    ),
    "unknown substance": (
        file("s.csv", S + "2017-03-01,PER,heroin_x,1,,Lima,\n"),
        ("substance", (2, 3)),
    ),
    # enum values are read in any ASCII case (issue 12): CRACK is crack
    "upper-case substance": (file("s.csv", S + "2017-03-01,PER,CRACK,1,,Lima,\n"), 1),
    "substance with a trailing space": (
        file("s.csv", S + "2017-03-01,PER,crack ,1,,Lima,\n"),
        ("substance", (2, 3)),
    ),
    "formula in a text cell": (
        file("s.csv", S + '2017-03-01,PER,crack,1,,"=HYPERLINK(""x"")",\n'),
        1,
    ),
    "escaped formula": (file("s.csv", S + "2017-03-01,PER,crack,1,,'=SUM(A1),\n"), 1),
    "third-party apostrophe": (file("s.csv", S + "2017-03-01,PER,crack,1,,'s-Hertogenbosch,\n"), 1),
    "long region": (file("s.csv", S + f"2017-03-01,PER,crack,1,,{'R' * 5000},\n"), 1),
    "empty id": (file("s.csv", S + "2017-03-01,PER,crack,1,,Lima,\n"), 1),
    "multi-country seizures": (
        file(
            "s.csv",
            S + "".join(f"2017-03-01,{c},crack,1,,,\n" for c in ("PER", "BOL", "COL", "ECU")),
        ),
        4,
    ),
    # ------------------------------------------------------------ CSV: other record types
    "operations with every count": (file("o.csv", OPS + "2017-03-01,PER,3,1\n"), 1),
    "operations without count columns": (file("o.csv", "date,country\n2017-03-01,PER\n"), 1),
    "hexadecimal count": (
        file("o.csv", OPS + "2017-03-01,PER,0x10,1\n"),
        ("must be an integer count", (2, 3)),
    ),
    "count with a plus sign": (
        file("o.csv", OPS + "2017-03-01,PER,+3,1\n"),
        ("must be an integer count", (2, 3)),
    ),
    "count with a decimal point": (
        file("o.csv", OPS + "2017-03-01,PER,3.0,1\n"),
        ("must be an integer count", (2, 3)),
    ),
    "count in exponent form": (
        file("o.csv", OPS + "2017-03-01,PER,1e3,1\n"),
        ("must be an integer count", (2, 3)),
    ),
    "count with spaces": (
        file("o.csv", OPS + "2017-03-01,PER, 3 ,1\n"),
        ("must be an integer count", (2, 3)),
    ),
    "negative count": (file("o.csv", OPS + "2017-03-01,PER,-3,1\n"), ("arrests", (2, 3))),
    "count beyond 64 bits": (
        file("o.csv", OPS + "2017-03-01,PER,99999999999999999999,1\n"),
        ("must be an integer count", (2, 3)),
    ),
    "eradication with an unknown method": (
        file("e.csv", E + "2017-03-01,PER,2.5,laser\n"),
        ("method", (2, 4)),
    ),
    "eradication of zero hectares": (
        file("e.csv", E + "2017-03-01,PER,0,manual\n"),
        ("area_ha", (2, 3)),
    ),
    "good eradication": (file("e.csv", E + "2017-03-01,PER,2.5,manual\n"), 1),
    "training with scores": (file("t.csv", T + "2017-03-01,DIRANDRO,x,2,1;2,3;4,5,a;b\n"), 1),
    "training with unequal scores": (
        file("t.csv", T + "2017-03-01,DIRANDRO,x,2,1;2,3,5,\n"),
        ("", None),
    ),
    "training score not a number": (
        file("t.csv", T + "2017-03-01,DIRANDRO,x,2,1;x,3;4,5,\n"),
        ("must be real numbers separated by ';'", (2, 5)),
    ),
    "training with a repeated participant": (
        file("t.csv", T + "2017-03-01,DIRANDRO,x,2,,,,a;a\n"),
        ("", None),
    ),
}
