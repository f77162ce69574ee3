"""Type stubs of the gongkai package (its extension module gongkai._gongkai included)."""

import os
from typing import Any, Dict, Iterable, List, Optional, Sequence, TypedDict, Union

import pandas

PathLike = Union[str, os.PathLike[str]]

COLUMNS: List[str]
CSV_DTYPES: Dict[str, str]

class GongkaiError(Exception): ...
class InputError(GongkaiError): ...
class GongkaiWarning(UserWarning): ...

class Source(TypedDict):
    name: str
    media_type: str
    bytes: int
    sha256: str

class Meta(TypedDict):
    title: Optional[str]
    issuer: Optional[str]
    year: Optional[int]
    published: Optional[str]
    template: str
    source: Source

class Cell(TypedDict):
    source_sha256: str
    source_name: str
    title: Optional[str]
    issuer: Optional[str]
    year: Optional[int]
    template: str
    table: str
    row: str
    col: str
    row_label: Optional[str]
    col_label: Optional[str]
    value: Optional[str]
    unit: Optional[str]
    status: Optional[str]
    candidates: Optional[str]
    src: Optional[str]

class CheckResult(TypedDict):
    rule: str
    subject: str
    result: str
    expected: Optional[str]
    actual: Optional[str]

class Diagnostic(TypedDict):
    level: str
    code: str
    location: str
    message: str

class Report:
    """One report, as extract() or read_xml() gave it."""

    @property
    def xml(self) -> str: ...
    @property
    def meta(self) -> Meta: ...
    @property
    def cells(self) -> List[Cell]: ...
    @property
    def checks(self) -> List[CheckResult]: ...
    @property
    def diagnostics(self) -> List[Diagnostic]: ...
    def to_pandas(self) -> pandas.DataFrame: ...

class Planned(TypedDict):
    input: str
    output: str
    refused: Optional[str]

class Converted(TypedDict):
    input: str
    output: str
    outcome: str
    error: Optional[str]

def extract(path_or_bytes: Union[PathLike, bytes, bytearray], name: Optional[str] = None) -> Report: ...
def read_xml(path: PathLike) -> Report: ...
def read_csv(path_or_bytes: Union[PathLike, bytes]) -> pandas.DataFrame: ...
def cells(paths: Union[PathLike, Iterable[PathLike]], jobs: Optional[int] = None) -> pandas.DataFrame: ...
def verify(archive: PathLike, prev: Optional[PathLike] = None) -> Dict[str, Any]: ...
def plan(inputs: Sequence[PathLike], output: PathLike, shard: Optional[str] = None) -> List[Planned]: ...
def convert_files(
    planned: Sequence[Planned], output: PathLike, force: bool = False, jobs: Optional[int] = None
) -> List[Converted]: ...
def write_errors(output: PathLike, error_lines: Sequence[str], shard: Optional[str] = None) -> str: ...
def convert(
    inputs: Union[PathLike, Iterable[PathLike]],
    output: PathLike,
    *,
    jobs: Optional[int] = None,
    force: bool = False,
    shard: Optional[str] = None,
) -> Dict[str, Any]: ...
