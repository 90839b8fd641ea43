"""A local-mode SparkSession for record-level tables (offline, no web UI, no jar downloads).

The distributed engine is optional (``pip install xinzhi[spark]`` and a Java 17 runtime). The
same Ibis expressions that run on the embedded DuckDB run unchanged on this session; see
``docs/firms.md``.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import warnings
from typing import TYPE_CHECKING, Any

from xinzhi.errors import ConfigError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

__all__ = ["spark_session", "stop_spark"]

_DEFAULTS: dict[str, str] = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.ansi.enabled": "false",
    "spark.dynamicAllocation.enabled": "false",
    "spark.sql.adaptive.enabled": "true",
}


def spark_session(
    cores: int | None = None,
    memory: str = "2g",
    shuffle_partitions: int | None = None,
    app_name: str = "xinzhi",
    extra: dict[str, str] | None = None,
) -> SparkSession:
    """Get or create a local-mode SparkSession that works offline.

    Parameters
    ----------
    cores : int, optional
        ``local[cores]``; default all cores (``local[*]``).
    memory : str
        Driver memory (the driver is the only JVM in local mode), e.g. ``"2g"``.
    shuffle_partitions : int, optional
        ``spark.sql.shuffle.partitions``; default ``2 × cores`` (small data on one machine needs
        far fewer than Spark's default 200).
    app_name : str
        Application name.
    extra : dict, optional
        Further Spark settings (override the defaults). Settings that download jars
        (``spark.jars.packages``) are refused: the session must work without network.

    Raises
    ------
    ConfigError
        PySpark or Java is not installed, or a download setting was given.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise ConfigError(
            "未安装 PySpark：请运行 pip install 'xinzhi[spark]'（并安装 Java 17 运行环境）"
        ) from exc
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        raise ConfigError("未找到 Java 运行环境（Java 17）：请安装 openjdk-17-jre-headless")
    settings = dict(_DEFAULTS)
    settings.update(extra or {})
    if settings.get("spark.jars.packages") or settings.get("spark.jars.repositories"):
        raise ConfigError("本地模式不下载 jar 包：请不要设置 spark.jars.packages")
    n = cores or os.cpu_count() or 2
    settings["spark.sql.shuffle.partitions"] = str(shuffle_partitions or 2 * n)
    settings["spark.driver.memory"] = memory
    if "spark.sql.warehouse.dir" not in settings:  # never litter the working directory
        settings["spark.sql.warehouse.dir"] = tempfile.mkdtemp(prefix="xinzhi-spark-")
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas")
    warnings.filterwarnings("ignore", message="The copy keyword is deprecated")
    # the Python workers must be this interpreter (the venv), never a system python
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    builder: Any = SparkSession.builder.master(f"local[{n}]" if cores else "local[*]")
    builder = builder.appName(app_name)
    for key, value in settings.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def stop_spark(session: SparkSession) -> None:
    """Stop ``session`` (and its JVM-side context)."""
    session.stop()
