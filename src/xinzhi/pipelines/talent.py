"""The county talent base (三库一体: 人才库, 岗位库, 人才政策库) for every surface: import, synthetic
base, matches with reasons and 匹配度, 能力雷达图, shortage catalogue with 人才地图 and alerts, the
talent policies a person may get, retention of personal data.

Reads the warehouse (:mod:`xinzhi.store.talent`; the policy library through
:mod:`xinzhi.pipelines.policy`), calls the analyses of :mod:`xinzhi.match` and returns their
results. The functions named ``*_view`` / ``*_workbook`` take the account (:class:`User`) and
apply the access policy: a county account sees its own county's records only
(:func:`xinzhi.auth.policy.require_county`), names and phone numbers are masked for the roles
that do not need them (:func:`xinzhi.auth.policy.mask_personal`). Text vectors are cached in
the warehouse (``embedding_cache``) and computed only for texts not seen before.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from xinzhi.auth import policy as access
from xinzhi.auth.accounts import User
from xinzhi.errors import InputError
from xinzhi.ingest.batch import loaded_report, run_import, write_rows_batch
from xinzhi.ingest.report import ImportReport
from xinzhi.ingest.talent import import_talent_file
from xinzhi.match import radar as radar_mod
from xinzhi.match import shortage as sh
from xinzhi.match.synthetic_talent import synthetic_talent
from xinzhi.match.vocab import education_level, find_skills_many, skill_vocabulary
from xinzhi.pipelines.enterprise_data import county_code
from xinzhi.pipelines.policy import list_documents, policy_check
from xinzhi.pipelines.warehouse import open_warehouse
from xinzhi.registry import match_talent as decl
from xinzhi.store import talent as ts

__all__ = [
    "BASE_LABELS",
    "base_counts",
    "connect",
    "generate_talent_base",
    "import_talents",
    "import_talents_as",
    "job_frame",
    "jobs_view",
    "matches_view",
    "person_documents",
    "person_policies",
    "purge_as",
    "purge_personal_data",
    "radar_view",
    "retention_settings",
    "retention_view",
    "set_retention",
    "set_retention_as",
    "shortage_analysis",
    "shortage_catalogue",
    "shortage_view",
    "shortage_workbook",
    "talent_frame",
    "talent_matches",
    "talent_radar",
    "talents_view",
    "talents_workbook",
    "text_vectors",
    "visible_county",
]

BASE_LABELS = {"talents": "人才库", "jobs": "岗位库", "policies": "人才政策库"}
SYNTHETIC_SOURCE = "示例数据"


def connect(db: str | os.PathLike[str] | None = None) -> duckdb.DuckDBPyConnection:
    """The warehouse ``db`` (default :func:`xinzhi.config.db_path`) for a command."""
    return open_warehouse(db)


# ---------------------------------------------------------------------------- counties
def _county_name(con: duckdb.DuckDBPyConnection, code: str) -> str | None:
    """The county's name in the warehouse's region table (the newest record of the code;
    None when the table does not hold it: the code is shown instead). Read from the table,
    never by building the region registry (which may fetch the public code list)."""
    rows = con.execute(
        "SELECT name FROM regions WHERE code = ? AND name IS NOT NULL "
        "ORDER BY coalesce(end_year, 9999) DESC, start_year DESC LIMIT 1",
        [str(code)],
    ).fetchall()
    return str(rows[0][0]) if rows else None


def visible_county(
    con: duckdb.DuckDBPyConnection, user: User | None, county: str | None
) -> str | None:
    """The county code ``user`` asks for (a county account without one: its own county),
    checked by the access policy (:func:`xinzhi.auth.policy.require_county`: 403 for another
    county; no county, i.e. every county, for admin and analyst only). ``user`` None: a local
    command, unchecked."""
    code = county_code(con, county)
    if user is not None:
        if code is None and not access.is_unrestricted(user) and user.county_code:
            code = str(user.county_code)
        access.require_county(user, code)
    return code


# ---------------------------------------------------------------------------- frames
def talent_frame(con: duckdb.DuckDBPyConnection, *, county: str | None = None) -> pd.DataFrame:
    """The talents of ``county`` (all when None) as the frame of ``docs/match_talent.md``."""
    return ts.read_talents(con, region_code=county_code(con, county))


def job_frame(con: duckdb.DuckDBPyConnection, *, county: str | None = None) -> pd.DataFrame:
    """The jobs of ``county`` (all when None) as the frame of ``docs/match_talent.md``."""
    return ts.read_jobs(con, region_code=county_code(con, county))


def base_counts(con: duckdb.DuckDBPyConnection, *, county: str | None = None) -> dict[str, int]:
    """Rows of the three bases of ``county``: talents, jobs, open positions, synthetic rows and
    the person (talent) policy documents that apply there today."""
    t = talent_frame(con, county=county)
    j = job_frame(con, county=county)
    open_jobs = j[j["filled"].isna()] if len(j) else j
    return {
        "talents": len(t),
        "jobs": len(j),
        "positions": int(pd.to_numeric(open_jobs["positions"], errors="coerce").fillna(1).sum())
        if len(j)
        else 0,
        "synthetic": int(t["synthetic"].fillna(False).astype(bool).sum()) if len(t) else 0,
        "policies": len(_person_documents(con, county_code(con, county))),
    }


# ---------------------------------------------------------------------------- import
def _classify(titles: Sequence[str]) -> list[str | None]:
    """大典 codes of job titles (:func:`xinzhi.match.occupations.classify_titles` with the USE
    embedder: its 3,847 occupation names embed in ~10 s, e5's in 1–3 min, for < 1 point of
    top-1 accuracy — docs/match.md)."""
    from xinzhi.match.occupations import classify_titles  # loads an embedding model: at use

    out = classify_titles(list(titles), k=1, embedder="use")
    return [c if isinstance(c, str) and c else None for c in out["code"]]


def _enrich(kind: str, classify: bool) -> Any:
    """The completion of imported rows: skills read from the text where none were given, and
    (``classify``) occupation codes from the title / 求职意向 where none were given."""

    def run(rows: pd.DataFrame) -> pd.DataFrame:
        out = rows.copy()
        no_skills = out["skills"].isna() & out["text"].notna()
        if no_skills.any():
            found = find_skills_many(out.loc[no_skills, "text"].tolist())
            out.loc[no_skills, "skills"] = [";".join(f) or None for f in found]
        title_col = "title" if kind == "jobs" else "occupation_title"
        if classify and title_col in out.columns:
            todo = out["occupation_code"].isna() & out[title_col].notna()
            if todo.any():
                out.loc[todo, "occupation_code"] = _classify(out.loc[todo, title_col].tolist())
        return out

    return run


def _parser(kind: str) -> Any:
    def parse(blocks: list[str]) -> pd.DataFrame:
        from xinzhi.match.parse import parse_postings, parse_resumes  # the NER tables: at use

        if kind == "talents":
            return parse_resumes(blocks, as_of=dt.date.today())
        return parse_postings(blocks)

    return parse


def import_talents(
    path: str | os.PathLike[str],
    *,
    kind: str,
    county: str | None = None,
    account: str | None = None,
    own_county: str | None = None,
    layout: str | None = None,
    sheet: str | int | None = None,
    source: str | None = None,
    classify: bool = True,
    con: duckdb.DuckDBPyConnection | None = None,
    db: str | os.PathLike[str] | None = None,
) -> ImportReport:
    """Import a file of talents or jobs (table or text; :func:`xinzhi.ingest.talent
    .import_talent_file`) for ``county`` (rows without a 区划代码); education text through
    :func:`xinzhi.match.vocab.education_level`, text blocks through :mod:`xinzhi.match.parse`,
    skills from the text where none were given, occupation codes of titles by the classifier
    (``classify``)."""
    if con is not None:  # the county-level check (a code alone: no registry is built)
        code = county_code(con, county)
    elif county is None or (county.isdigit() and len(county) == 6):
        code = county  # the import's own connection checks its rows' regions
    else:
        raise InputError("县级单位请用 6 位区划代码")
    return import_talent_file(
        path,
        kind=kind,
        region_code=code,
        own_county=own_county,
        education=education_level,
        parse_texts=_parser(kind),
        enrich=_enrich(kind, classify),
        layout=layout,
        sheet=sheet,
        source=source,
        account=account,
        con=con,
        db=db,
    )


def import_talents_as(
    path: str | os.PathLike[str],
    user: User,
    *,
    kind: str,
    county: str | None = None,
    con: duckdb.DuckDBPyConnection,
    classify: bool = True,
    layout: str | None = None,
) -> ImportReport:
    """:func:`import_talents` on behalf of ``user`` (the web page 人才 and ``POST
    /api/talent/imports``): the account must be allowed to upload
    (:func:`xinzhi.auth.policy.upload_county`); a county account imports for its own county
    only — rows without a 区划代码 get its code and rows of another county are quarantined
    (``other_county``); naming another county is refused (403). The batch records the account.
    An uploaded ``.txt`` / ``.md`` file is read as text blocks unless ``layout`` says otherwise
    (tables are uploaded as .xlsx or .csv)."""
    if layout is None and Path(path).suffix.lower() in (".txt", ".md"):
        layout = "text"
    if kind not in ("talents", "jobs"):
        raise InputError(f"kind 只能是 talents（人才）或 jobs（岗位），收到 {kind!r}")
    own = access.upload_county(user)
    if own is not None:
        asked = county_code(con, county) if county else None
        if asked is not None and asked != own:
            access.require_county(user, asked)
        county = own
    return import_talents(
        path,
        kind=kind,
        county=county or None,
        account=user.username,
        own_county=own,
        layout=layout,
        classify=classify,
        con=con,
    )


def _firms_of(con: duckdb.DuckDBPyConnection, code: str) -> pd.DataFrame | None:
    names = {
        r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }
    if "current_firms" not in names:
        return None
    firms = con.execute(
        "SELECT credit_code, name, industry_code FROM current_firms WHERE region_code = ?",
        [code],
    ).df()
    return firms if len(firms) else None


def _write_synthetic(
    con: duckdb.DuckDBPyConnection, kind: str, rows: pd.DataFrame, source: str, ident: str
) -> ImportReport:
    sha = hashlib.sha256(f"{ident};{kind}".encode()).hexdigest()

    def insert(c: duckdb.DuckDBPyConnection, batch_id: int) -> None:
        (ts.insert_talents if kind == "talents" else ts.insert_jobs)(c, rows, batch_id)

    def load(connection: duckdb.DuckDBPyConnection) -> ImportReport:
        ts.ensure_talent_tables(connection)
        report = loaded_report(
            file_name=f"示例数据 {ident}",
            source=source,
            fmt=f"{kind}-synthetic",
            rows=len(rows),
            sha256=sha,
            regions_loaded=1,
            warnings=[f"示例数据：{len(rows)} 条{BASE_LABELS[kind]}记录"],
        )
        return write_rows_batch(connection, report, insert)

    return run_import(load, sha256=sha, source=source, fmt=f"{kind}-synthetic", con=con)


def generate_talent_base(
    con: duckdb.DuckDBPyConnection,
    *,
    county: str = "430321",
    seed: int = 0,
    n_talents: int = 2000,
    n_jobs: int = 600,
    as_of: dt.date | None = None,
) -> tuple[ImportReport, ImportReport]:
    """Generate the synthetic talent base of ``county`` (示例数据,
    :func:`xinzhi.match.synthetic_talent.synthetic_talent`; postings spread over the county's
    firms of the warehouse when there are any) and store talents and jobs as two import batches
    of source ``talents:示例数据:<county>`` / ``jobs:示例数据:<county>`` (the same seed again is a
    no-op; another seed supersedes)."""
    code = county_code(con, county)
    if code is None:
        raise InputError("生成示例人才库须指定县级单位（名称或 6 位区划代码）")
    name = _county_name(con, code) or code
    talents, jobs = synthetic_talent(
        code,
        seed,
        n_talents=n_talents,
        n_jobs=n_jobs,
        firms=_firms_of(con, code),
        as_of=as_of,
        county_name=name,
    )
    ident = f"seed={seed};county={code};talents={n_talents};jobs={n_jobs};as_of={as_of}"
    t = _write_synthetic(con, "talents", talents, f"talents:{SYNTHETIC_SOURCE}:{code}", ident)
    j = _write_synthetic(con, "jobs", jobs, f"jobs:{SYNTHETIC_SOURCE}:{code}", ident)
    return t, j


# ---------------------------------------------------------------------------- vectors
def text_vectors(
    con: duckdb.DuckDBPyConnection, texts: Sequence[str | None], embedder: str = "e5"
) -> np.ndarray:
    """Unit vectors of ``texts`` by ``embedder`` (:func:`xinzhi.match.text.get_embedder`),
    read from ``embedding_cache`` where a text was embedded before and computed (then cached)
    only for the new ones (key :func:`xinzhi.match.text.text_key`)."""
    from xinzhi.match import text as text_engine

    emb = text_engine.get_embedder(embedder)  # type: ignore[arg-type]
    clean = ["" if t is None or (isinstance(t, float) and t != t) else str(t) for t in texts]
    keys = [text_engine.text_key(t) for t in clean]
    model = f"{emb.name}:{emb.dim}"
    cached = ts.cached_vectors(con, keys, model)
    todo = sorted({k for k in keys if k not in cached})
    if todo:
        first = {k: t for k, t in zip(keys, clean, strict=True)}
        new = emb.embed([first[k] for k in todo], kind="passage")
        ts.store_vectors(con, todo, model, new)
        cached.update({k: v for k, v in zip(todo, new, strict=True)})
    out = np.zeros((len(clean), emb.dim), dtype=np.float32)
    for i, k in enumerate(keys):  # assembling rows of a matrix
        out[i] = cached[k]
    return out


# ---------------------------------------------------------------------------- matches, radar
def talent_matches(
    con: duckdb.DuckDBPyConnection,
    *,
    county: str | None = None,
    job_id: str | None = None,
    person_id: str | None = None,
    k: int = 10,
    embedder: str | None = "e5",
) -> Any:
    """Best talents for the job ``job_id`` or best jobs for the talent ``person_id`` of
    ``county`` (:func:`xinzhi.match.pairing.match_pairs`: hard filters, soft scores, reasons,
    匹配度); ``embedder`` None: BM25 text scores only (no model loaded)."""
    from xinzhi.match.pairing import match_pairs

    if (job_id is None) == (person_id is None):
        raise InputError("请指定一个岗位（job_id）或一名人才（person_id）")
    talents = talent_frame(con, county=county)
    jobs = job_frame(con, county=county)
    if job_id is not None:
        jobs = jobs[jobs["job_id"] == str(job_id)]
        if jobs.empty:
            raise InputError(f"岗位库中没有岗位 {job_id}")
        direction = "job"
    else:
        talents = talents[talents["person_id"] == str(person_id)]
        if talents.empty:
            raise InputError(f"人才库中没有人员 {person_id}")
        direction = "talent"
    jv = tv = None
    if embedder is not None:
        jv = text_vectors(con, jobs["text"].tolist(), embedder)
        tv = text_vectors(con, talents["text"].tolist(), embedder)
    res = match_pairs(
        jobs.reset_index(drop=True),
        talents.reset_index(drop=True),
        job_vectors=jv,
        talent_vectors=tv,
        k=k,
        direction=direction,  # type: ignore[arg-type]
        embedder=embedder or "e5",
    )
    res.pairs = _with_people(res.pairs, talents, jobs)
    return res


def talent_match_analysis(
    con: duckdb.DuckDBPyConnection,
    *,
    county: str | None = decl.TALENT_MATCH.default("county"),
    k: int = decl.TALENT_MATCH.default("k"),
    direction: str = decl.TALENT_MATCH.default("direction"),
    embedder: str = decl.TALENT_MATCH.default("embedder"),
    data_dir: str | os.PathLike[str] | None = None,
) -> Any:
    """The declared analysis ``talent-match`` (:mod:`xinzhi.registry.match_talent`): every job
    and talent of ``county`` matched both ways (or one way), top ``k`` with 匹配度 and reasons
    (:func:`xinzhi.match.pairing.match_pairs`). The result is kept and shared by every account
    that may run it, so names, phone numbers and person ids are masked as for the roles that
    need masking (:func:`xinzhi.auth.policy.mask_personal`)."""
    from xinzhi.match.pairing import match_pairs

    opts = decl.TALENT_MATCH.resolve(
        {"county": county, "k": k, "direction": direction, "embedder": embedder}
    )
    talents = talent_frame(con, county=opts["county"]).reset_index(drop=True)
    jobs = job_frame(con, county=opts["county"]).reset_index(drop=True)
    emb = None if opts["embedder"] == "none" else str(opts["embedder"])
    jv = tv = None
    if emb is not None and len(jobs) and len(talents):
        jv = text_vectors(con, jobs["text"].tolist(), emb)
        tv = text_vectors(con, talents["text"].tolist(), emb)
    res = match_pairs(
        jobs,
        talents,
        job_vectors=jv,
        talent_vectors=tv,
        k=opts["k"],
        direction=opts["direction"],
        embedder=emb or "e5",
    )
    res.pairs = access.mask_personal(_with_people(res.pairs, talents, jobs), _SHARED_RESULT)
    return res


def _with_people(pairs: pd.DataFrame, talents: pd.DataFrame, jobs: pd.DataFrame) -> pd.DataFrame:
    """``pairs`` with the talent's name and phone and the job's title and firm (looked up by
    id; empty pairs stay empty)."""
    out = pairs.drop(columns=[c for c in ("name", "phone", "title", "firm_name") if c in pairs])
    pid = out["person_id"].astype(object)
    jid = out["job_id"].astype(object)
    for col in ("name", "phone"):
        out[col] = pid.map(dict(zip(talents["person_id"], talents[col], strict=True))).astype(
            object
        )
    for col in ("title", "firm_name"):
        out[col] = jid.map(dict(zip(jobs["job_id"], jobs[col], strict=True))).astype(object)
    return out


_SHARED_RESULT = User(0, "（共享的分析结果）", "analyst", None, False)
"""Who a shared declared result is masked for: a role that sees persons' data masked."""


def talent_radar(
    con: duckdb.DuckDBPyConnection,
    *,
    person_id: str,
    job_id: str,
    county: str | None = None,
) -> radar_mod.RadarResult:
    """The 能力雷达图 of talent ``person_id`` against job ``job_id``."""
    t = ts.read_talents(con, region_code=county_code(con, county), ids=[str(person_id)])
    j = ts.read_jobs(con, region_code=county_code(con, county), ids=[str(job_id)])
    if t.empty:
        raise InputError(f"人才库中没有人员 {person_id}")
    if j.empty:
        raise InputError(f"岗位库中没有岗位 {job_id}")
    return radar_mod.radar(t.iloc[0], j.iloc[0], skill_vocabulary())


# ---------------------------------------------------------------------------- shortage
def _chain_links(chains: Sequence[str] | None) -> pd.DataFrame:
    from xinzhi.industry.chains import list_chains, load_chain

    keys = list(chains) if chains else list(list_chains()["key"])
    rows = []
    for key in keys:  # a handful of chain templates
        t = load_chain(key)
        seg = t.segment_table()
        rows.append(
            pd.DataFrame(
                {
                    "chain": t.name,
                    "segment": seg["segment"],
                    "segment_name": seg["name"],
                    "stage": seg["stage"],
                    "codes": seg["codes"],
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def _in_year(jobs: pd.DataFrame, year: int) -> pd.DataFrame:
    posted = pd.to_datetime(jobs["posted"], errors="coerce")
    return jobs[posted.dt.year == year]


def shortage_catalogue(
    con: duckdb.DuckDBPyConnection,
    *,
    county: str | None = None,
    year: int | None = None,
    level: int = 4,
    stars: str = "fixed",
    weights: Mapping[str, float] | None = None,
    chains: Sequence[str] | str | None = None,
    as_of: dt.date | None = None,
) -> sh.ShortageResult:
    """The shortage catalogue of ``county`` (every county when None) for the postings posted
    in ``year`` (all postings when None) against the talents of the base, with 人才地图 over the
    chain templates ``chains`` (keys or names; default every built-in template) and the alerts
    of occupations whose gap widened since ``year − 1`` (when ``year`` is given).
    :func:`xinzhi.match.shortage.shortage_catalogue` (method there)."""
    code = county_code(con, county)
    talents = ts.read_talents(con, region_code=code)
    jobs = ts.read_jobs(con, region_code=code)
    day = as_of or (
        min(dt.date(year, 12, 31), dt.date.today()) if year is not None else dt.date.today()
    )
    names = _occupation_names()
    counties = sorted(set(jobs["region_code"].dropna()))
    county_names = {c: n for c in counties if (n := _county_name(con, c))}
    opts: dict[str, Any] = {
        "level": level,
        "weights": weights,
        "stars": stars,
        "names": names,
        "county_names": county_names,
    }
    now = jobs if year is None else _in_year(jobs, year)
    res = sh.shortage_catalogue(now, talents, as_of=day, year=year or day.year, **opts)
    if isinstance(chains, str):
        chains = [c.strip() for c in chains.replace("，", ",").split(",") if c.strip()]
    if len(res.catalogue):
        res.chain_map = sh.talent_map(res.catalogue, _chain_links(chains))
    if year is not None:
        before = _in_year(jobs, year - 1)
        if len(before):
            prev = sh.shortage_catalogue(
                before, talents, as_of=dt.date(year - 1, 12, 31), year=year - 1, **opts
            )
            linked = None
            if res.chain_map is not None:
                linked = _linked_occupations(res.catalogue, res.chain_map)
            res.alerts = sh.gap_alerts(res.catalogue, prev.catalogue, key_occupations=linked)
    return res


def shortage_analysis(
    con: duckdb.DuckDBPyConnection,
    *,
    county: str | None = decl.SHORTAGE.default("county"),
    year: int | None = decl.SHORTAGE.default("year"),
    level: int = decl.SHORTAGE.default("level"),
    stars: str = decl.SHORTAGE.default("stars"),
    chains: str | None = decl.SHORTAGE.default("chains"),
    data_dir: str | os.PathLike[str] | None = None,
) -> sh.ShortageResult:
    """The declared analysis ``shortage`` (:mod:`xinzhi.registry.match_talent`): options as
    declared, then :func:`shortage_catalogue` (the catalogue holds no personal data)."""
    opts = decl.SHORTAGE.resolve(
        {"county": county, "year": year, "level": level, "stars": stars, "chains": chains}
    )
    return shortage_catalogue(
        con,
        county=opts["county"],
        year=opts["year"],
        level=opts["level"],
        stars=opts["stars"],
        chains=opts["chains"],
    )


def _linked_occupations(catalogue: pd.DataFrame, chain_map: pd.DataFrame) -> list[str]:
    """Occupations of the catalogue that a chain link needs (the key occupations)."""
    div = sh.occupation_divisions()
    prefixes = tuple(div["prefix"])
    return [o for o in catalogue["occupation"] if str(o).startswith(prefixes)]


def _occupation_names() -> dict[str, str]:
    """大典 2022 names of every code (occupations and groups;
    :func:`xinzhi.match.occupations.occupation_table`)."""
    from xinzhi.match.occupations import occupation_table  # jieba, bm25s: at use

    table = occupation_table()
    return dict(zip(table["code"], table["name"], strict=True))


# ---------------------------------------------------------------------------- policies
def person_documents(con: duckdb.DuckDBPyConnection, *, county: str | None = None) -> pd.DataFrame:
    """The talent policy base (人才政策库): the person documents of the policy library that
    apply to ``county`` (built-in and published; :func:`xinzhi.pipelines.policy
    .list_documents`), ``id, title, issuer, doc_number, region, clauses``."""
    docs = list_documents(con, county=county_code(con, county))
    docs = docs[docs["subject"] == "person"]
    return docs[["id", "title", "issuer", "doc_number", "region", "clauses"]].reset_index(drop=True)


def _person_documents(con: duckdb.DuckDBPyConnection, code: str | None) -> pd.DataFrame:
    return person_documents(con, county=code)


def person_policies(
    con: duckdb.DuckDBPyConnection,
    *,
    person_id: str,
    county: str | None = None,
    on: dt.date | str | None = None,
) -> pd.DataFrame:
    """The talent policies (person documents of the policy library) person ``person_id`` may
    get, through the policy pipeline (:func:`xinzhi.pipelines.policy.policy_check` with
    ``subject="person"``; the person's facts are those of the policy facts table under the same
    ``person_id``): ``document, clause, title, status, amount_min, amount_max, reason``; empty
    when there are no person facts or documents."""
    cols = ["document", "clause", "status", "amount_min", "amount_max", "reason", "missing"]
    try:
        res = policy_check(con, county=county_code(con, county), on=on, subject="person")
    except InputError:
        return pd.DataFrame(columns=cols)
    table = res.tidy()
    if "person_id" not in table.columns:
        return pd.DataFrame(columns=cols)
    rows = table[table["person_id"].astype(str) == str(person_id)]
    return rows[[c for c in cols if c in rows.columns]].astype(object).reset_index(drop=True)


# ---------------------------------------------------------------------------- retention
def set_retention(
    con: duckdb.DuckDBPyConnection, base: str, days: int | None, *, account: str | None = None
) -> dict[str, int | None]:
    """Set the retention (days) of the personal data of ``base`` (talents or jobs); the
    settings after the change."""
    if base not in ts.BASES:
        raise InputError(f"base 只能是 {'、'.join(ts.BASES)}（人才库、岗位库），收到 {base!r}")
    if days is not None and int(days) < 1:
        raise InputError("保存期限须至少 1 天（不填则长期保存）")
    ts.set_retention(con, base, days, account=account)
    return ts.read_retention(con)


def retention_settings(con: duckdb.DuckDBPyConnection) -> dict[str, int | None]:
    """``base → retention_days`` (None: kept until deleted)."""
    return ts.read_retention(con)


def purge_personal_data(
    con: duckdb.DuckDBPyConnection, *, now: dt.datetime | None = None
) -> dict[str, int]:
    """Apply the retention settings (:func:`xinzhi.store.talent.purge_personal`), dropping the
    cached vectors of the texts removed."""
    from xinzhi.match.text import text_key

    return ts.purge_personal(con, now=now, text_key=text_key)


def retention_view(con: duckdb.DuckDBPyConnection, user: User) -> dict[str, int | None]:
    """The retention settings for the pages and the API: every account that uploads may read
    them (:attr:`~xinzhi.auth.policy.Action.UPLOAD`)."""
    access.require(user, access.Action.UPLOAD)
    return retention_settings(con)


def set_retention_as(
    con: duckdb.DuckDBPyConnection, user: User, base: str, days: int | None
) -> dict[str, int | None]:
    """:func:`set_retention` by an administrator only (403 otherwise)."""
    access.require(user, access.Action.ADMINISTER)
    return set_retention(con, base, days, account=user.username)


def purge_as(
    con: duckdb.DuckDBPyConnection, user: User, *, now: dt.datetime | None = None
) -> dict[str, int]:
    """:func:`purge_personal_data` by an administrator only (403 otherwise)."""
    access.require(user, access.Action.ADMINISTER)
    return purge_personal_data(con, now=now)


# ---------------------------------------------------------------------------- views (access)
_TALENT_SHOWN = [
    "person_id",
    "name",
    "phone",
    "region_code",
    "education_level",
    "major",
    "years",
    "skills",
    "occupation_code",
    "salary_expect",
    "synthetic",
]
_JOB_SHOWN = [
    "job_id",
    "firm_name",
    "title",
    "region_code",
    "positions",
    "education_min",
    "years_min",
    "skills",
    "salary_min",
    "salary_max",
    "posted",
    "filled",
    "occupation_code",
    "synthetic",
]


def talents_view(
    con: duckdb.DuckDBPyConnection,
    user: User | None,
    *,
    county: str | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """Talents of ``county`` as ``user`` may see them (county check; names and phones masked
    for the roles that need it)."""
    code = visible_county(con, user, county)
    rows = ts.read_talents(con, region_code=code)[_TALENT_SHOWN]
    if limit is not None:
        rows = rows.head(int(limit))
    return rows if user is None else access.mask_personal(rows, user)


def jobs_view(
    con: duckdb.DuckDBPyConnection,
    user: User | None,
    *,
    county: str | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """Jobs of ``county`` as ``user`` may see them (county check)."""
    code = visible_county(con, user, county)
    rows = ts.read_jobs(con, region_code=code)[_JOB_SHOWN]
    return rows if limit is None else rows.head(int(limit))


def matches_view(
    con: duckdb.DuckDBPyConnection,
    user: User | None,
    *,
    county: str | None = None,
    job_id: str | None = None,
    person_id: str | None = None,
    k: int = 10,
    embedder: str | None = "e5",
) -> tuple[Any, pd.DataFrame]:
    """(result, table) of :func:`talent_matches` for ``user``: the table ``rank, job_id, title,
    firm_name, person_id, name, phone, match_pct, reasons`` with personal data masked for the
    roles that need it."""
    code = visible_county(con, user, county)
    res = talent_matches(
        con, county=code, job_id=job_id, person_id=person_id, k=k, embedder=embedder
    )
    cols = [
        "rank",
        "job_id",
        "title",
        "firm_name",
        "person_id",
        "name",
        "phone",
        "match_pct",
        "reasons",
    ]
    table = res.pairs[[c for c in cols if c in res.pairs.columns]].reset_index(drop=True)
    return res, table if user is None else access.mask_personal(table, user)


def radar_view(
    con: duckdb.DuckDBPyConnection,
    user: User | None,
    *,
    person_id: str,
    job_id: str,
    county: str | None = None,
) -> radar_mod.RadarResult:
    """:func:`talent_radar` after the county check."""
    code = visible_county(con, user, county)
    return talent_radar(con, person_id=person_id, job_id=job_id, county=code)


def shortage_view(
    con: duckdb.DuckDBPyConnection,
    user: User | None,
    *,
    county: str | None = None,
    year: int | None = None,
    level: int = 4,
    stars: str = "fixed",
    chains: Sequence[str] | str | None = None,
) -> sh.ShortageResult:
    """:func:`shortage_catalogue` after the county check."""
    code = visible_county(con, user, county)
    return shortage_catalogue(con, county=code, year=year, level=level, stars=stars, chains=chains)


def _workbook(write: Any) -> bytes:
    buf = io.BytesIO()
    write(buf)
    return buf.getvalue()


def shortage_workbook(res: sh.ShortageResult) -> bytes:
    """The catalogue document (title sheet, catalogue, 人才地图, alerts, 说明) as xlsx bytes."""
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "catalogue.xlsx"
        res.to_excel(path)
        return path.read_bytes()


def talents_workbook(
    con: duckdb.DuckDBPyConnection, user: User | None, *, county: str | None = None
) -> bytes:
    """The talents of ``county`` as ``user`` may see them, as an xlsx workbook (a county
    analyst's export has names and phone numbers masked)."""
    rows = talents_view(con, user, county=county)
    headers = {
        "person_id": "人员编号",
        "name": "姓名",
        "phone": "手机",
        "region_code": "区划代码",
        "education_level": "学历（0–6）",
        "major": "专业",
        "years": "工作年限",
        "skills": "技能",
        "occupation_code": "职业代码",
        "salary_expect": "期望薪资（元/月）",
        "synthetic": "示例数据",
    }
    return _workbook(
        lambda buf: rows.rename(columns=headers).to_excel(buf, index=False, sheet_name="人才库")
    )
