"""The Gradescope autograder zip and the students' self-check kit, end to end.

The autograder zip is unpacked into a fake container (AUTOGRADER_ROOT=tmp) laid out like
Gradescope's: source/, submission/, results/ and submission_metadata.json. The kit is unpacked
and searched for every key value and every reference function body.
"""
from __future__ import annotations

import ast
import importlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import numpy as np
import pytest

import graders
from graders.core import bundle
from graders.core.gradescope import lateness_note, submission_record, validate

ROOT = Path(__file__).resolve().parents[1]
HW = "csci5527_hw3"
META = {
    "id": 424242, "created_at": "2025-03-02T01:30:00.000000-06:00",
    "assignment": {"due_date": "2025-03-01T23:59:00.000000-06:00", "late_due_date": None, "title": "HW3"},
    "users": [{"email": "ada@example.edu", "id": 7, "name": "Ada Student"}],
    "submission_method": "upload",
}


def _unzip(zpath: Path, dest: Path) -> Path:
    with zipfile.ZipFile(zpath) as z:
        for info in z.infolist():
            z.extract(info, dest)
            mode = info.external_attr >> 16
            if mode:
                os.chmod(dest / info.filename, mode & 0o777)
    return dest


def _env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in ("GRADER_KIT", "AUTOGRADER_ROOT")}
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def autograder_zip(tmp_path_factory):
    out = tmp_path_factory.mktemp("bundle") / "autograder.zip"
    r = subprocess.run([sys.executable, "grade.py", "bundle", HW, "-o", str(out)], cwd=ROOT,
                       capture_output=True, text=True, timeout=120, env=_env())
    assert r.returncode == 0, r.stderr
    return out


def _container(zpath: Path, tmp: Path, submission: Path | None, meta=META) -> Path:
    _unzip(zpath, tmp / "source")
    (tmp / "submission").mkdir()
    if submission is not None:
        shutil.copytree(submission, tmp / "submission", dirs_exist_ok=True)
    if meta is not None:
        (tmp / "submission_metadata.json").write_text(json.dumps(meta))
    return tmp


def _run_autograder(root: Path, timeout=300) -> dict:
    # Gradescope copies run_autograder to /autograder and runs it from there.
    shutil.copy2(root / "source" / "run_autograder", root / "run_autograder")
    r = subprocess.run([str(root / "run_autograder")], cwd=root, capture_output=True, text=True,
                       timeout=timeout, env=_env(AUTOGRADER_ROOT=str(root)))
    assert r.returncode == 0, r.stdout + r.stderr
    doc = json.loads((root / "results" / "results.json").read_text())
    assert validate(doc) == [], validate(doc)
    return doc


def _listing(root: Path) -> list[Path]:
    return sorted(p.relative_to(root) for p in root.rglob("*") if "__pycache__" not in p.parts)


def _numbers(hw) -> list[str]:
    return [c.number for c in hw.checks] + [m.number for m in hw.manual] + ["zz.harness"]


# -- the autograder zip -------------------------------------------------------------------
def test_autograder_zip_holds_what_gradescope_needs_and_nothing_else(autograder_zip):
    with zipfile.ZipFile(autograder_zip) as z:
        infos = {i.filename: i for i in z.infolist()}
        placeholder = json.loads(z.read("placeholder_results.json"))
        manifest = json.loads(z.read("bundle.json"))
        requirements = z.read("requirements.txt")
    names = set(infos)
    for script in ("setup.sh", "run_autograder"):
        assert script in names
        assert (infos[script].external_attr >> 16) & 0o111, f"{script} is not executable"
    assert requirements == (ROOT / "requirements.txt").read_bytes()
    assert "grade.py" in names and "graders/core/runner.py" in names
    grader = {p.relative_to(ROOT).as_posix() for p in (ROOT / "graders" / HW).rglob("*")
              if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}
    assert grader <= names, "the homework's grader (keys included) must ship"
    for n in names:
        assert not n.startswith(("tests/", "reference/", "student_template/", "benchmarks/")), n
        assert "__pycache__" not in n and not n.endswith(".pyc"), n
        top = n.split("/")
        if top[0] == "graders" and len(top) > 2:
            assert top[1] in ("core", HW), f"another homework's grader shipped: {n}"
    hw = graders.load(HW)
    assert manifest["homework"] == HW and manifest["time_budget"] == hw.settings.time_budget
    assert validate(placeholder) == []
    assert [t["number"] for t in placeholder["tests"]] == _numbers(hw)
    assert placeholder["score"] == 0


def test_bundle_is_deterministic(tmp_path):
    a, b = tmp_path / "a.zip", tmp_path / "b.zip"
    bundle.build(HW, a)
    bundle.build(HW, b)
    assert a.read_bytes() == b.read_bytes()


def test_setup_dry_run_resolves_the_pins_offline_and_touches_nothing(autograder_zip, tmp_path):
    root = _container(autograder_zip, tmp_path, None)
    before = _listing(root)
    r = subprocess.run(["bash", str(root / "source" / "setup.sh"), "--dry-run"], cwd=root / "source",
                       capture_output=True, text=True, timeout=300, env=_env(AUTOGRADER_ROOT=str(root)))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "network cut off" in r.stdout
    pins = [ln.split("#")[0].strip() for ln in (ROOT / "requirements.txt").read_text().splitlines()]
    for pin in filter(None, pins):
        name, version = pin.split("==")
        assert re.search(rf"^  ok +{re.escape(name)}=={re.escape(version)}  ->  {re.escape(version)}", r.stdout,
                         re.M), f"{pin} did not resolve:\n{r.stdout}"
    assert "nothing was installed or downloaded" in r.stdout
    assert _listing(root) == before


def test_run_autograder_grades_reference_and_records_the_submission(autograder_zip, tmp_path):
    root = _container(autograder_zip, tmp_path, ROOT / "reference" / HW)
    doc = _run_autograder(root)
    hw = graders.load(HW)
    assert [t["number"] for t in doc["tests"]] == _numbers(hw)
    assert doc["score"] == pytest.approx(sum(c.points for c in hw.checks)), [
        (t["number"], t["output"][:200]) for t in doc["tests"] if t["score"] != t["max_score"]]
    assert doc["visibility"] == hw.settings.results_visibility
    assert doc["stdout_visibility"] == hw.settings.stdout_visibility
    assert doc["extra_data"] == {"submission_id": 424242, "created_at": META["created_at"], "complete": True,
                                 "users": [{"id": 7, "name": "Ada Student", "email": "ada@example.edu"}]}
    assert "Submitted 1 h 31 min after the due date" in doc["output"]
    for c, t in zip(hw.checks, doc["tests"]):
        assert t["visibility"] == c.visibility
    harness = doc["tests"][-1]
    assert harness["visibility"] == "hidden" and "Container:" in harness["output"]


def test_run_autograder_grades_a_broken_submission(autograder_zip, tmp_path):
    sub = tmp_path / "broken"
    sub.mkdir()
    # The untouched template (every function raises NotImplementedError), with a syntax
    # error typed into problem3.py.
    for f in (ROOT / "student_template" / HW).iterdir():
        shutil.copy2(f, sub / f.name)
    p3 = sub / "problem3.py"
    p3.write_text(p3.read_text() + "\ndef oops(:\n    pass\n")
    root = _container(autograder_zip, tmp_path / "c", sub)
    doc = _run_autograder(root)
    assert [t["number"] for t in doc["tests"]] == _numbers(graders.load(HW))
    assert doc["score"] == 0 and doc["extra_data"]["complete"] is True
    assert all(t["status"] == "failed" for t in doc["tests"] if t["max_score"] > 0)


def test_run_autograder_writes_a_valid_result_when_the_grader_crashes(autograder_zip, tmp_path):
    root = _container(autograder_zip, tmp_path, ROOT / "student_template" / HW, meta=None)
    (root / "source" / "graders" / HW / "problem3.py").unlink()   # a broken bundle
    doc = _run_autograder(root, timeout=120)
    assert [t["number"] for t in doc["tests"]] == _numbers(graders.load(HW))
    assert doc["score"] == 0 and doc["extra_data"]["complete"] is False
    assert "could not finish grading" in doc["output"]
    harness = doc["tests"][-1]
    assert harness["visibility"] == "hidden"
    assert "submission_metadata.json is missing" in harness["output"]
    assert "problem3" in harness["output"] and "exited with status" in harness["output"]


def test_run_autograder_stops_at_the_time_budget(autograder_zip, tmp_path):
    root = _container(autograder_zip, tmp_path, ROOT / "reference" / HW)
    manifest = root / "source" / "bundle.json"
    manifest.write_text(json.dumps({**json.loads(manifest.read_text()), "time_budget": 3}))
    doc = _run_autograder(root, timeout=120)
    assert doc["extra_data"]["complete"] is False
    assert "time budget of 3 s" in doc["output"]
    assert [t["number"] for t in doc["tests"]] == _numbers(graders.load(HW))
    assert not validate(doc)
    # whatever was graded before the stop keeps its score; nothing else scores
    assert all(t["score"] == 0 or t["status"] == "passed" for t in doc["tests"])


@pytest.mark.slow
def test_a_stopped_run_keeps_the_checks_graded_before_the_stop(autograder_zip, tmp_path):
    sub = tmp_path / "hangs"
    shutil.copytree(ROOT / "reference" / HW, sub)
    p3 = sub / "problem3.py"
    p3.write_text(p3.read_text().replace("def _normalize(T, axes, eps):\n",
                                         "def _normalize(T, axes, eps):\n    while True:\n        pass\n"))
    root = _container(autograder_zip, tmp_path / "c", sub)
    manifest = root / "source" / "bundle.json"
    manifest.write_text(json.dumps({**json.loads(manifest.read_text()), "time_budget": 45}))
    doc = _run_autograder(root, timeout=300)
    assert doc["extra_data"]["complete"] is False and doc["extra_data"]["partial"] is True
    assert not validate(doc)
    tests = {t["number"]: t for t in doc["tests"]}
    hw = graders.load(HW)
    p2 = [c for c in hw.checks if c.number.startswith("2.")]
    assert all(tests[c.number]["score"] == c.points for c in p2)
    assert doc["score"] == pytest.approx(sum(c.points for c in p2))
    for n in ("3.ln", "3.in", "3.rd"):
        assert tests[n]["score"] == 0 and tests[n]["output"].startswith("Not graded:")
    assert "keep their scores" in doc["output"]


# -- results.json rules -------------------------------------------------------------------
@pytest.mark.parametrize("breakage, expect", [
    (lambda d: d.update(scroe=1), "Additional properties"),
    (lambda d: d["tests"][0].update(status="ok"), "'ok' is not one of"),
    (lambda d: d["tests"][0].update(visibility="public"), "is not one of"),
    (lambda d: d["tests"][0].update(number=2), "is not of type 'string'"),
    (lambda d: d.update(output_format="markdown"), "is not one of"),
    (lambda d: d["tests"][0].update(score=5), "outside 0..1"),
    (lambda d: d.update(score=3), "differs from the tests' sum"),
    (lambda d: (d.pop("score"), d["tests"][1].pop("score")), "is not valid under any of the given schemas"),
])
def test_validator_rejects_what_gradescope_would_not_take(breakage, expect):
    doc = {"score": 1.5, "tests": [
        {"score": 1, "max_score": 1, "status": "passed", "name": "a", "number": "1", "visibility": "visible"},
        {"score": 0.5, "max_score": 1, "status": "failed", "name": "b", "number": "2"}]}
    assert validate(doc) == []
    breakage(doc)
    problems = validate(doc)
    assert any(expect in p for p in problems), problems


def test_dates_come_from_created_at_not_the_clock():
    meta = json.loads(json.dumps(META))
    assert lateness_note(meta).startswith("Submitted 1 h 31 min after the due date")
    meta["created_at"] = "2025-03-01T23:00:00-06:00"
    assert lateness_note(meta) is None
    meta["created_at"] = "2025-03-05T02:00:00-06:00"
    meta["assignment"]["late_due_date"] = "2025-03-03T23:59:00-06:00"
    assert lateness_note(meta) == ("Submitted 3 d 2 h after the due date and 1 d 2 h after the late due date "
                                   "(from the submission time Gradescope recorded).")
    assert lateness_note({"created_at": "not a date", "assignment": META["assignment"]}) is None
    assert submission_record({"id": 1, "users": [{"id": 2, "name": "B", "sid": "x"}]}) == {
        "submission_id": 1, "users": [{"id": 2, "name": "B"}], "created_at": None}


# -- the self-check kit -------------------------------------------------------------------
def _key_values(obj, out):
    """Every leaf of a keys module's data, as something searchable."""
    if isinstance(obj, dict):
        for v in obj.values():
            _key_values(v, out)
    elif isinstance(obj, (list, tuple)) and obj and all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                                        for v in obj) and len(obj) >= 3:
        out.append(("numbers", [float(v) for v in obj]))
    elif isinstance(obj, (list, tuple, set)):
        for v in obj:
            _key_values(v, out)
    elif isinstance(obj, np.ndarray):
        out.append(("bytes", obj.tobytes()))
        if obj.size and obj.dtype.kind in "iuf":
            _key_values(obj.ravel().tolist(), out)
    elif isinstance(obj, str):
        numbers = re.findall(r"-?\d+(?:\.\d+)?", obj)
        if len(numbers) >= 3:   # "[27, 27, 33, 27, 14, 4]" however it is spaced or typed
            out.append(("numbers", [float(n) for n in numbers]))
        # Prose (two words in a row: a mistake's label or explanation) is a description, not
        # an answer; shorter strings ("yes", "2") occur everywhere.
        elif len(obj.strip()) >= 4 and not re.search(r"[A-Za-z]{2,}\s+[A-Za-z]{2,}", obj):
            out.append(("text", obj.strip()))
    elif isinstance(obj, (int, float)) and not isinstance(obj, bool):
        # 1473, 229.6, -0.875; not 100 or 0.5, which every file has (st.floats(-100, 100)).
        if len(f"{obj:g}".lstrip("-")) >= 4:
            out.append(("numbers", [float(obj)]))
    elif hasattr(obj, "__dict__") and not isinstance(obj, type) and not callable(obj):
        _key_values(vars(obj), out)   # e.g. answers.Accept(options=...)


def _number_pattern(values) -> re.Pattern:
    def one(v):
        if v.is_integer():
            return rf"(?<![\d.]){int(v)}(?:\.0*)?(?![\d.])"
        return rf"(?<![\d.]){re.escape(f'{v:g}')}\d*"
    return re.compile(r"\s*[,;]?\s*".join(one(v) for v in values))


def _function_bodies(folder: Path) -> list[str]:
    bodies = []
    sources = []
    for p in folder.rglob("*"):
        if p.suffix == ".py":
            sources.append(p.read_text())
        elif p.suffix == ".ipynb":
            nb = json.loads(p.read_text())
            sources += ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                        for c in nb.get("cells", []) if c.get("cell_type") == "code"]
    for src in sources:
        try:
            tree = ast.parse(src)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                body = node.body
                if ast.get_docstring(node) is not None:
                    body = body[1:]
                text = "\n".join(ast.get_source_segment(src, b) for b in body)
                bodies.append(" ".join(text.split()))
    return bodies


def _leaks(kit_dir: Path, hw_id: str) -> list[str]:
    files = {p.relative_to(kit_dir).as_posix(): p.read_bytes() for p in kit_dir.rglob("*") if p.is_file()}
    texts = {n: b.decode("utf-8", "replace") for n, b in files.items()}
    found = []
    for n in files:
        parts = n.split("/")
        if "keys.py" in parts or "keys" in parts[:-1]:
            found.append(f"key file shipped: {n}")
    key_dir = ROOT / "graders" / hw_id / "keys"
    secret_files = list(key_dir.rglob("*")) if key_dir.is_dir() else []
    secret_files += [p for p in (ROOT / "reference" / hw_id).rglob("*")]
    shipped = set(files.values())
    for p in secret_files:
        if p.is_file() and p.stat().st_size >= 16 and p.read_bytes() in shipped:
            found.append(f"secret or reference file shipped byte for byte: {p.relative_to(ROOT)}")
    keys = None
    if (ROOT / "graders" / hw_id / "keys.py").exists() or key_dir.is_dir():
        keys = importlib.import_module(f"graders.{hw_id}.keys")
    values = []
    if keys is not None:
        for name, v in vars(keys).items():
            if not name.startswith("_") and not isinstance(v, type(os)):
                _key_values(v, values)
    assert keys is None or values, "keys module has nothing searchable: the search would prove nothing"
    for kind, v in values:
        for n, t in texts.items():
            if kind == "text" and v in t:
                found.append(f"{n}: key text {v[:60]!r}")
            elif kind == "numbers" and _number_pattern(v).search(t):
                found.append(f"{n}: key value {v}")
            elif kind == "bytes" and len(v) >= 16 and v in files[n]:
                found.append(f"{n}: key array bytes")
    normalized = {n: " ".join(t.split()) for n, t in texts.items()}
    bodies = _function_bodies(ROOT / "reference" / hw_id)
    has_code = any(p.suffix in (".py", ".ipynb") for p in (ROOT / "reference" / hw_id).rglob("*"))
    assert bodies or not has_code, "no reference function bodies found: the search would prove nothing"
    # Scaffolding the template already hands out (a Dataset's __len__) is public, not a leak.
    given = set(_function_bodies(ROOT / "student_template" / hw_id))
    for body in bodies:
        if body in given:
            continue
        for n, t in normalized.items():
            if body and body in t:
                found.append(f"{n}: reference body {body[:60]!r}")
    return found


# Leaks present in the tree today, listed exactly. The test xfails while a homework's leaks are
# exactly these (so the summary shows them), and fails on any new leak or once one is fixed
# (then delete its line).
KNOWN_LEAKS: dict[str, list[str]] = {}


@pytest.mark.parametrize("hw_id", graders.homework_ids())
def test_kit_holds_no_key_no_reference_and_no_hidden_check(hw_id, tmp_path):
    if not (ROOT / "student_template" / hw_id).is_dir():
        pytest.skip(f"{hw_id} has no student template yet")
    kit = bundle.build(hw_id, tmp_path / "kit.zip", student=True)
    kit_dir = _unzip(kit.path, tmp_path / "kit")
    assert (kit_dir / "kit.json").exists() and (kit_dir / "README.txt").exists()
    assert (kit_dir / hw_id).is_dir(), "the student template ships as the student's folder"
    assert f"python grade.py check {hw_id} {hw_id} --open" in (kit_dir / "README.txt").read_text()
    hw = graders.load(hw_id)
    assert set(kit.blanked) == {c.number for c in hw.checks if c.visibility != "visible"}
    for n in kit.names:
        assert not n.startswith(("tests/", "reference/", "student_template/")), n
    leaks = sorted(_leaks(kit_dir, hw_id))
    known = sorted(KNOWN_LEAKS.get(hw_id, []))
    if known and leaks == known:
        pytest.xfail("known leaks: " + "; ".join(known))
    assert leaks == [], "the kit leaks (known leaks, if listed, changed)"


TOY = {
    "graders/toy/__init__.py": '''
        from graders.core import CheckSet, Homework, Settings, expect_close, fail, prop
        from graders.core.secrets import load_keys
        from hypothesis import strategies as st

        checks = CheckSet("Problem 1")

        @checks.check("1.a", "double(x) is 2x", points=1, needs=["double"])
        def double(s):
            """double(x) returns 2x for any x."""
            @prop(x=st.integers(-50, 50))
            def _(x):
                expect_close(s.double(float(x)), 2.0 * x, what="double(x)", tol=1e-9)

        @checks.check("1.b", "magic() is the secret number", points=1, needs=["magic"])
        def magic(s):
            """magic() returns the number in the answer key."""
            keys = load_keys(__package__)
            got = s.magic()
            if not isinstance(got, (int, float)):
                fail("magic() must return a number")
            if keys is not None and got != keys.MAGIC:
                fail("magic() is not the secret number")

        @checks.check("1.c", "held-out behaviour", points=2, needs=["double"], visibility="hidden")
        def held_out(s):
            """double works on the held-out value."""
            if s.double(0.125) != 0.25:
                fail("HELD-OUT-SENTINEL-7731")

        HOMEWORK = Homework(id="toy", title="Toy homework", source="-", problems=(checks,),
                            total_points=4, settings=Settings(call_timeout=20, max_examples=5))
    ''',
    "graders/toy/keys.py": "MAGIC = 86421357\n",
    "reference/toy/toy.py": '''
        def double(x):
            return x + x  # REFERENCE-SENTINEL

        def magic():
            return 86421357
    ''',
    "student_template/toy/toy.py": '''
        def double(x):
            raise NotImplementedError

        def magic():
            raise NotImplementedError
    ''',
}


@pytest.fixture(scope="module")
def toy_project(tmp_path_factory):
    """A copy of this project's engine with a small homework that has a key and a hidden check."""
    proj = tmp_path_factory.mktemp("toyproj")
    for rel in ("grade.py", "requirements.txt", "graders/__init__.py"):
        (proj / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, proj / rel)
    shutil.copytree(ROOT / "graders" / "core", proj / "graders" / "core",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for rel, text in TOY.items():
        (proj / rel).parent.mkdir(parents=True, exist_ok=True)
        (proj / rel).write_text(textwrap.dedent(text).lstrip())
    return proj


def _grade_py(cwd: Path, *args, timeout=180):
    r = subprocess.run([sys.executable, "grade.py", *args], cwd=cwd, capture_output=True, text=True,
                       timeout=timeout, env=_env())
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout


def test_kit_drops_hidden_checks_and_grades_keyed_checks_by_format(toy_project, tmp_path):
    out = _grade_py(toy_project, "bundle", "toy", "--student", "-o", str(tmp_path / "kit.zip"))
    assert "Left out the code of non-visible checks: 1.c" in out
    kit = _unzip(tmp_path / "kit.zip", tmp_path / "kit")
    everything = "\n".join(p.read_text(errors="replace") for p in kit.rglob("*") if p.is_file())
    assert "HELD-OUT-SENTINEL-7731" not in everything
    assert "86421357" not in everything and "REFERENCE-SENTINEL" not in everything
    assert not (kit / "graders" / "toy" / "keys.py").exists()
    assert (kit / "toy" / "toy.py").read_text() == (toy_project / "student_template/toy/toy.py").read_text()

    # A student who solved 1.a and guessed 1.b: the kit passes both (1.b by format only) and says
    # plainly that this is not full marks; the hidden check is neither run nor listed.
    (kit / "toy" / "toy.py").write_text("def double(x):\n    return 2 * x\n\ndef magic():\n    return 5\n")
    out = _grade_py(kit, "check", "toy", "toy", "--out", str(tmp_path / "res"))
    assert "2 of 2 checks passed" in out
    assert "does not mean full marks" in out and "1 hidden check worth 2 points" in out
    assert "1.c" not in out
    doc = json.loads((tmp_path / "res" / "results.json").read_text())
    assert validate(doc) == []
    assert [t["number"] for t in doc["tests"]] == ["1.a", "1.b", "zz.harness"]
    assert doc["score"] == 2

    # The same submission outside the kit: the key and the hidden check both count.
    shutil.copytree(kit / "toy", tmp_path / "sub")
    _grade_py(toy_project, "grade", "toy", str(tmp_path / "sub"), "--out", str(tmp_path / "full"))
    full = json.loads((tmp_path / "full" / "results.json").read_text())
    assert {t["number"]: t["score"] for t in full["tests"]} == {"1.a": 1, "1.b": 0, "1.c": 2, "zz.harness": 0}


def test_kit_leak_search_finds_planted_leaks(toy_project, tmp_path):
    """The leak search itself can fail: plant a key and a reference body in a kit."""
    kit = tmp_path / "kit"
    (kit / "toy").mkdir(parents=True)
    (kit / "toy" / "toy.py").write_text("def double(x):\n    return x + x  # REFERENCE-SENTINEL\n")
    (kit / "notes.txt").write_text("remember: 86421357.0\n")
    found = _leaks_in(toy_project, kit)
    assert any("reference body" in f for f in found) and any("key value" in f for f in found), found


def _leaks_in(project: Path, kit_dir: Path) -> list[str]:
    code = ("import sys, json; sys.path[:0] = [sys.argv[1], sys.argv[2]]; import test_bundle as t; "
            "t.ROOT = __import__('pathlib').Path(sys.argv[1]); "
            "print(json.dumps(t._leaks(__import__('pathlib').Path(sys.argv[3]), 'toy')))")
    r = subprocess.run([sys.executable, "-c", code, str(project), str(ROOT / "tests"), str(kit_dir)],
                       capture_output=True, text=True, timeout=120, env=_env())
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout.strip().splitlines()[-1])


def test_blanking_keeps_the_declaration_and_drops_the_body():
    src = textwrap.dedent('''
        @checks.check("9", "hidden", points=1, needs=["f"], visibility="hidden")
        def hidden(s):
            """Secret doc."""
            def helper():
                return SECRET
            assert helper()

        def visible(s):
            """Visible."""
            return 1
    ''')
    out = bundle._blank_functions(src, {2}, "x.py")
    assert "SECRET" not in out and "Secret doc" not in out and bundle.HIDDEN_DOC in out
    assert 'visibility="hidden"' in out and "return 1" in out
    ast.parse(out)
    with pytest.raises(bundle.BundleError):
        bundle._blank_functions(src, {3}, "x.py")
