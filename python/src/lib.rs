//! `gongkai._gongkai`: the Python package's extension module. A thin layer: every function
//! calls the gongkai crate as the command line does, releases the GIL while it works, and
//! raises the command line's messages as exceptions. The Python side (python/gongkai/)
//! adds the pandas frames and the docstrings users read.

use std::path::{Path, PathBuf};

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyList};

use gongkai::archive::progress::Progress;
use gongkai::batch::collect::load_all;
use gongkai::batch::convert::{self, ConvertOptions, Job, Outcome, Shard};
use gongkai::input::Input;
use gongkai::model::{self, CellContent};
use gongkai::template::Templates;
use gongkai::writers::{export, xml};
use gongkai::{ExtractOptions, Limits};

create_exception!(
    _gongkai,
    GongkaiError,
    PyException,
    "Anything gongkai refuses; the message is the command line's."
);
create_exception!(
    _gongkai,
    InputError,
    GongkaiError,
    "An input gongkai cannot use (where the command line exits 2)."
);

/// The name a report read from bytes gets when none is given: the one `gongkai extract -`
/// gives standard input, so that both write the same XML.
const BYTES_NAME: &str = "stdin";

fn input_error(what: &str, reason: impl std::fmt::Display) -> PyErr {
    InputError::new_err(format!("{what}: {reason}"))
}

/// One report, as `extract` or `read_xml` gave it.
#[pyclass(module = "gongkai", frozen)]
struct Report {
    report: model::Report,
}

#[pymethods]
impl Report {
    /// The canonical XML, as `gongkai extract` writes it.
    #[getter]
    fn xml(&self) -> String {
        String::from_utf8_lossy(&xml::to_bytes(&self.report)).into_owned()
    }

    /// The report's metadata: title, issuer, year, published, template and its source.
    #[getter]
    fn meta<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let m = &self.report.meta;
        let source = PyDict::new(py);
        source.set_item("name", &m.source.name)?;
        source.set_item("media_type", &m.source.media_type)?;
        source.set_item("bytes", m.source.bytes)?;
        source.set_item("sha256", &m.source.sha256)?;
        let meta = PyDict::new(py);
        meta.set_item("title", &m.title)?;
        meta.set_item("issuer", &m.issuer)?;
        meta.set_item("year", m.year)?;
        meta.set_item("published", &m.published)?;
        meta.set_item("template", m.template_name())?;
        meta.set_item("source", source)?;
        Ok(meta)
    }

    /// The standard-table cells as the rows of `export`: one dict per cell with its columns,
    /// an empty field None and the year an int (as `export --format json` writes them).
    #[getter]
    fn cells<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let rows = export::report_rows(&self.report, &Templates::builtin());
        let list = PyList::empty(py);
        for row in rows {
            let d = PyDict::new(py);
            for (name, value) in export::COLUMNS.iter().zip(row) {
                if value.is_empty() {
                    d.set_item(name, py.None())?;
                } else if *name == "year" {
                    d.set_item(name, value.parse::<u16>().ok())?;
                } else {
                    d.set_item(name, value)?;
                }
            }
            list.append(d)?;
        }
        Ok(list)
    }

    /// The consistency rules evaluated: rule, subject, result, expected, actual.
    #[getter]
    fn checks<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for c in &self.report.checks {
            let d = PyDict::new(py);
            d.set_item("rule", &c.rule)?;
            d.set_item("subject", c.subject.to_string())?;
            d.set_item("result", c.result.as_str())?;
            d.set_item("expected", &c.expected)?;
            d.set_item("actual", &c.actual)?;
            list.append(d)?;
        }
        Ok(list)
    }

    /// What the reading noted: level, code, location, message.
    #[getter]
    fn diagnostics<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for x in &self.report.diagnostics {
            let d = PyDict::new(py);
            d.set_item("level", x.level.as_str())?;
            d.set_item("code", &x.code)?;
            d.set_item("location", x.location.to_string())?;
            d.set_item("message", &x.message)?;
            list.append(d)?;
        }
        Ok(list)
    }

    /// The cells as a pandas DataFrame: the tidy CSV `export` writes, read by
    /// `gongkai.read_csv` (so the same columns and dtypes).
    fn to_pandas<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let csv = export::tidy_csv(
            &export::report_rows(&self.report, &Templates::builtin()),
            false,
        )
        .map_err(|e| GongkaiError::new_err(e.to_string()))?;
        py.import("gongkai")?
            .getattr("read_csv")?
            .call1((PyBytes::new(py, &csv),))
    }

    fn __repr__(&self) -> String {
        let m = &self.report.meta;
        let cells: usize = self
            .report
            .tables
            .iter()
            .map(|t| match t {
                model::Table::Standard(s) => s.rows.iter().map(|r| r.cells.len()).sum(),
                model::Table::Generic(_) => 0,
            })
            .sum();
        let values: usize = self
            .report
            .tables
            .iter()
            .map(|t| match t {
                model::Table::Standard(s) => s
                    .rows
                    .iter()
                    .flat_map(|r| &r.cells)
                    .filter(|c| matches!(c.content, CellContent::Value(_)))
                    .count(),
                model::Table::Generic(_) => 0,
            })
            .sum();
        format!(
            "<gongkai.Report {:?}: {} {}, template {}, {values} of {cells} cells read>",
            m.source.name,
            m.issuer.as_deref().unwrap_or("(issuer unknown)"),
            m.year
                .map_or_else(|| "(year unknown)".to_string(), |y| y.to_string()),
            m.template_name()
        )
    }
}

/// Reads one report from a path or from bytes.
#[pyfunction]
#[pyo3(signature = (path_or_bytes, name = None))]
fn extract(
    py: Python<'_>,
    path_or_bytes: &Bound<'_, PyAny>,
    name: Option<String>,
) -> PyResult<Report> {
    let limits = Limits::default();
    let bytes = if let Ok(b) = path_or_bytes.cast::<PyBytes>() {
        Some(b.as_bytes().to_vec())
    } else if let Ok(b) = path_or_bytes.cast::<PyByteArray>() {
        Some(b.to_vec())
    } else {
        None
    };
    let (input, shown) = match bytes {
        Some(bytes) => {
            let name = name.clone().unwrap_or_else(|| BYTES_NAME.to_string());
            let shown = format!("<{name}>");
            // As `extract -` reads standard input: no more than the limit.
            if bytes.len() as u64 > limits.max_input_bytes {
                let limit = limits.max_input_bytes;
                let e = gongkai::input::InputError::TooLarge { limit };
                return Err(input_error(&shown, e));
            }
            (Input::new(name, bytes), shown)
        }
        None => {
            let path: PathBuf = path_or_bytes.extract()?;
            let shown = path.display().to_string();
            let input = py
                .detach(|| Input::from_path(&path, limits.max_input_bytes))
                .map_err(|e| input_error(&shown, e))?;
            (input, shown)
        }
    };
    let mut input = input;
    if let Some(name) = name {
        input.name = name;
    }
    let options = ExtractOptions {
        limits,
        ..ExtractOptions::default()
    };
    let report = py
        .detach(|| gongkai::extract(&input, &options))
        .map_err(|e| input_error(&shown, e))?;
    Ok(Report { report })
}

/// Reads a canonical XML report back.
#[pyfunction]
fn read_xml(py: Python<'_>, path: PathBuf) -> PyResult<Report> {
    let shown = path.display().to_string();
    let report = py
        .detach(|| {
            let input = Input::from_path(&path, Limits::default().max_input_bytes)
                .map_err(|e| e.to_string())?;
            xml::from_bytes(&input.bytes).map_err(|e| e.to_string())
        })
        .map_err(|e| input_error(&shown, e))?;
    Ok(Report { report })
}

/// A thread pool of `jobs` threads (all cores when None).
fn pool(jobs: Option<usize>) -> PyResult<rayon::ThreadPool> {
    let threads =
        jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    if threads == 0 {
        return Err(pyo3::exceptions::PyValueError::new_err(
            "jobs must be at least 1",
        ));
    }
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| GongkaiError::new_err(e.to_string()))
}

/// What `_cells` gives: the tidy table of every report under the paths, as `export
/// --format csv` writes it; the inputs that gave none (path, reason); and how many inputs
/// were read (reports and texts holding none).
type Cells<'py> = (Bound<'py, PyBytes>, Vec<(String, String)>, usize);

/// The reports under the paths as one tidy table (see [`Cells`]).
#[pyfunction]
#[pyo3(signature = (paths, jobs = None))]
fn _cells<'py>(py: Python<'py>, paths: Vec<PathBuf>, jobs: Option<usize>) -> PyResult<Cells<'py>> {
    let pool = pool(jobs)?;
    let (csv, failures, read) = py.detach(|| {
        let options = ExtractOptions::default();
        let c = pool.install(|| load_all(&paths, &options, None));
        let csv = export::tidy_csv(&export::tidy_rows(&c.reports, &options.templates), false);
        let failures: Vec<(String, String)> = c
            .failures
            .into_iter()
            .map(|f| (f.path.display().to_string(), f.reason))
            .collect();
        (csv, failures, c.reports.len() + c.no_report.len())
    });
    let csv = csv.map_err(|e| GongkaiError::new_err(e.to_string()))?;
    Ok((PyBytes::new(py, &csv), failures, read))
}

/// `gongkai verify --json`'s result, as JSON text.
#[pyfunction]
#[pyo3(signature = (archive, prev = None))]
fn _verify(py: Python<'_>, archive: PathBuf, prev: Option<PathBuf>) -> PyResult<String> {
    py.detach(|| {
        let v = gongkai::archive::verify_path(&archive, prev.as_deref(), &Progress::hidden())
            .map_err(|e| e.to_string())?;
        serde_json::to_string(&v).map_err(|e| e.to_string())
    })
    .map_err(InputError::new_err)
}

fn path_str(path: &Path) -> String {
    path.display().to_string()
}

/// The files `convert` would convert (one shard of them, given one): a list of dicts with
/// `input`, `output` (relative to the output folder) and `refused` (why the walk did not
/// take the entry, or None).
#[pyfunction]
#[pyo3(signature = (inputs, output, shard = None))]
fn plan<'py>(
    py: Python<'py>,
    inputs: Vec<PathBuf>,
    output: PathBuf,
    shard: Option<String>,
) -> PyResult<Bound<'py, PyList>> {
    let shard: Option<Shard> = match shard {
        Some(s) => Some(s.parse().map_err(|e: String| input_error("--shard", e))?),
        None => None,
    };
    let refs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    gongkai::batch::output::refuse_onto_input(&output, &refs)
        .map_err(|e| input_error(&path_str(&output), e))?;
    if output.is_file() {
        return Err(input_error(
            &path_str(&output),
            "the output must be a folder",
        ));
    }
    let (jobs, _) = py
        .detach(|| convert::plan(&inputs, &output, shard))
        .map_err(|e| input_error("convert", e))?;
    let list = PyList::empty(py);
    for job in jobs {
        let d = PyDict::new(py);
        d.set_item("input", job.input.as_os_str())?;
        d.set_item("output", job.output.as_os_str())?;
        d.set_item("refused", job.refused)?;
        list.append(d)?;
    }
    Ok(list)
}

/// Converts planned files into the output folder as `convert` does (skipping those whose
/// XML is up to date unless `force`), going on after any failure. One dict per file:
/// `input`, `output`, `outcome` and `error` (its line of the error list, or None).
#[pyfunction]
#[pyo3(signature = (planned, output, force = false, jobs = None))]
fn convert_files<'py>(
    py: Python<'py>,
    planned: Vec<Bound<'py, PyDict>>,
    output: PathBuf,
    force: bool,
    jobs: Option<usize>,
) -> PyResult<Bound<'py, PyList>> {
    let mut batch = Vec::with_capacity(planned.len());
    for d in &planned {
        let field = |key: &str| -> PyResult<Bound<'py, PyAny>> {
            d.get_item(key)?.ok_or_else(|| {
                pyo3::exceptions::PyKeyError::new_err(format!(
                    "a planned file has no {key:?} (give what gongkai.plan returned)"
                ))
            })
        };
        batch.push(Job {
            input: field("input")?.extract()?,
            output: field("output")?.extract()?,
            refused: field("refused")?.extract()?,
        });
    }
    let threads = pool(jobs)?.current_num_threads();
    let opts = ConvertOptions {
        output,
        jobs: threads,
        force,
        keep_going: true,
        limits: Limits::default(),
        templates: Templates::builtin(),
    };
    let outcomes = py.detach(|| convert::run(&batch, &opts, &|_, _| {}));
    let list = PyList::empty(py);
    for (job, outcome) in batch.iter().zip(&outcomes) {
        let d = PyDict::new(py);
        d.set_item("input", job.input.as_os_str())?;
        d.set_item("output", job.output.as_os_str())?;
        let (name, error) = match outcome {
            Outcome::Converted => ("converted", None),
            Outcome::Skipped => ("skipped", None),
            Outcome::AlreadyXml => ("already_xml", None),
            Outcome::NotAttempted => ("not_attempted", None),
            Outcome::Failed(f) => ("failed", Some(convert::error_line(&job.input, f))),
        };
        d.set_item("outcome", name)?;
        d.set_item("error", error)?;
        list.append(d)?;
    }
    Ok(list)
}

/// Writes the error list of converted files (`_errors.jsonl`, or the shard's) as `convert`
/// does — removing an old one when nothing failed. Returns its path.
#[pyfunction]
#[pyo3(signature = (output, error_lines, shard = None))]
fn write_errors(
    py: Python<'_>,
    output: PathBuf,
    error_lines: Vec<String>,
    shard: Option<String>,
) -> PyResult<String> {
    let shard: Option<Shard> = match shard {
        Some(s) => Some(s.parse().map_err(|e: String| input_error("--shard", e))?),
        None => None,
    };
    let text = convert::merge_error_lines(error_lines);
    py.detach(|| {
        std::fs::create_dir_all(&output)?;
        convert::write_errors(&output, shard, &text)
    })
    .map(|p| path_str(&p))
    .map_err(|e| {
        let path = output.join(convert::errors_file(shard));
        GongkaiError::new_err(format!("{}: {e}", path.display()))
    })
}

#[pymodule]
fn _gongkai(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("GongkaiError", py.get_type::<GongkaiError>())?;
    m.add("InputError", py.get_type::<InputError>())?;
    m.add("COLUMNS", export::COLUMNS.to_vec())?;
    m.add_class::<Report>()?;
    m.add_function(wrap_pyfunction!(extract, m)?)?;
    m.add_function(wrap_pyfunction!(read_xml, m)?)?;
    m.add_function(wrap_pyfunction!(_cells, m)?)?;
    m.add_function(wrap_pyfunction!(_verify, m)?)?;
    m.add_function(wrap_pyfunction!(plan, m)?)?;
    m.add_function(wrap_pyfunction!(convert_files, m)?)?;
    m.add_function(wrap_pyfunction!(write_errors, m)?)?;
    Ok(())
}
