"""IATI 2.03 results in and out: the ``<result>`` elements of IATI activity files.

[`read_iati`][narcometrics.iati.read_iati] reads the results of every activity of an
``iati-activities`` file into [`ResultsFramework`][narcometrics.indicators.ResultsFramework]s;
[`write_iati`][narcometrics.iati.write_iati] publishes a framework inside a minimal activity.
Both check the official 2.03 activity schema (vendored with its licence) and IATI's codelists,
and name the element path of every problem. Entities are never expanded and a DOCTYPE is
refused: an IATI file is untrusted input.

It sits above both input and output and the results framework (it reads files into models),
so that `narcometrics.io` never imports a model. Needs the ``iati`` extra (lxml).
"""

from narcometrics.iati._read import IatiActivityResults, read_iati
from narcometrics.iati._write import write_iati

__all__ = ["IatiActivityResults", "read_iati", "write_iati"]
