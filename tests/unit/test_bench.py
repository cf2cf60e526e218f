"""The pure parts of `make bench`: percentiles, the table, the report, the texts."""

from __future__ import annotations

import datetime
import json
import os
from pathlib import Path

import pytest

from bot.bench.__main__ import failed_messages, long_conversation_figures, table_rows
from bot.bench.load import LoadResult, Turn, conversation_texts, load_texts
from bot.bench.report import cpu_model, machine_info, ratios, write_report
from bot.bench.servers import our_environment, process_tree_rss_bytes, rss_bytes
from bot.bench.stats import LatencySummary, Row, format_table, percentile, ratio


def test_percentile_interpolates_between_ranks_like_numpy() -> None:
    values = [0.4, 0.1, 0.3, 0.2]
    assert percentile(values, 0.0) == pytest.approx(0.1)
    assert percentile(values, 0.5) == pytest.approx(0.25)
    assert percentile(values, 0.95) == pytest.approx(0.385)
    assert percentile(values, 1.0) == pytest.approx(0.4)
    assert percentile([7.0], 0.99) == 7.0


def test_percentile_refuses_no_values_and_bad_fractions() -> None:
    with pytest.raises(ValueError):
        percentile([], 0.5)
    with pytest.raises(ValueError):
        percentile([1.0], 1.5)


def test_latency_summary_is_in_milliseconds() -> None:
    summary = LatencySummary.of([i / 1000 for i in range(1, 101)])
    assert summary.p50_ms == pytest.approx(50.5)
    assert summary.p95_ms == pytest.approx(95.05)
    assert summary.p99_ms == pytest.approx(99.01)


def test_ratio_is_none_without_both_figures() -> None:
    assert ratio(10.0, 4.0) == 2.5
    assert ratio(None, 4.0) is None
    assert ratio(1.0, 0) is None


def test_table_aligns_figures_and_shows_ratios() -> None:
    table = format_table(
        [
            Row("20 conv: throughput", "msg/s", 45.26, 22.4),
            Row("20 conv: p95", "ms", 480.0, 1752.2),
            Row("start to ready", "s", 9.3, None),
        ]
    )
    lines = table.splitlines()
    assert lines[0].split() == ["figure", "unit", "ours", "reference", "ours/reference"]
    assert set(lines[1].replace(" ", "")) == {"-"}
    assert lines[2].split()[-3:] == ["45.3", "22.4", "2.02x"]
    assert lines[3].split()[-3:] == ["480", "1,752", "0.27x"]
    assert lines[4].split()[-3:] == ["9.30", "-", "-"]
    assert len({len(line) for line in lines[:4]}) == 1
    stock = format_table([Row("start to ready", "s", 9.0, 9.0)], labels=("ours", "ours-stock"))
    assert stock.splitlines()[0].split()[-1] == "ours/ours-stock"


def test_ratios_follow_the_figures_nesting() -> None:
    ours = {"ready_s": 10.0, "load": {"20": {"msg_per_s": 40.0, "errors": 0}}, "flag": True}
    reference = {"ready_s": 40.0, "load": {"20": {"msg_per_s": 20.0, "errors": 0}}, "flag": True}
    assert ratios(ours, reference) == {"ready_s": 0.25, "load": {"20": {"msg_per_s": 2.0}}}


def test_report_holds_machine_settings_figures_and_ratios(tmp_path: Path) -> None:
    moment = datetime.datetime(2026, 12, 4, 5, 0, tzinfo=datetime.timezone.utc)
    machine = machine_info(moment)
    path = write_report(
        tmp_path / "results" / "bench.json",
        machine,
        {"concurrency": [1, 20]},
        {"ours": {"ready_s": 9.0}, "reference": {"ready_s": 45.0}},
    )
    report = json.loads(path.read_text())
    assert report["machine"]["date"] == "2026-12-04"
    assert report["machine"]["cores"] == os.cpu_count()
    assert report["machine"]["cpu_model"] == cpu_model()
    assert report["machine"]["rasa"].startswith("3.6")
    assert report["settings"] == {"concurrency": [1, 20]}
    assert report["ratios"] == {"ready_s": 0.2}
    assert "ratios_ours_over_stock" not in report


def test_report_compares_ours_with_stock_rasa_when_measured(tmp_path: Path) -> None:
    stacks = {"ours": {"ready_s": 9.0}, "ours-stock": {"ready_s": 10.0}}
    path = write_report(tmp_path / "bench.json", {}, {}, stacks)
    assert json.loads(path.read_text())["ratios_ours_over_stock"] == {"ready_s": 0.9}


def test_cpu_model_reads_proc_cpuinfo(tmp_path: Path) -> None:
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nmodel name\t: AMD EPYC 7B13\nflags\t: fpu\n")
    assert cpu_model(cpuinfo) == "AMD EPYC 7B13"


def test_conversations_keep_one_language_and_start_apart() -> None:
    texts = {"en": ["a", "b", "c"], "bn": ["ক", "খ"]}
    assert conversation_texts(texts, 0, 4) == ["ক", "খ", "ক", "খ"]
    assert conversation_texts(texts, 1, 4) == ["a", "b", "c", "a"]
    assert conversation_texts(texts, 3, 2) == ["b", "c"]


def test_bench_texts_cover_three_languages_and_no_handoff_words() -> None:
    texts = load_texts()
    assert set(texts) == {"en", "bn", "bn_latn"}
    assert all(len(messages) >= 10 for messages in texts.values())
    joined = " ".join(message.lower() for messages in texts.values() for message in messages)
    for word in ("staff", "human", "call me", "chest pain", "bleeding"):
        assert word not in joined


def _result(seconds_by_turn: list) -> LoadResult:
    turns = [Turn(0, index, seconds, True) for index, seconds in enumerate(seconds_by_turn)]
    return LoadResult(1, len(turns), sum(seconds_by_turn), turns)


def test_long_conversation_compares_first_and_last_turns() -> None:
    figures = long_conversation_figures(_result([0.1] * 10 + [0.5] * 80 + [0.2] * 10), 10)
    assert figures["first_p50_ms"] == 100.0
    assert figures["last_p50_ms"] == 200.0
    assert figures["last_over_first"] == 2.0
    assert figures["errors"] == 0


def test_load_figures_count_failures_apart() -> None:
    result = LoadResult(2, 2, 2.0, [Turn(0, 0, 0.1, True), Turn(0, 1, 0.3, True)])
    result.turns += [Turn(1, 0, 0.05, False), Turn(1, 1, 0.05, False)]
    figures = result.figures()
    assert figures["messages"] == 4
    assert figures["errors"] == 2
    assert figures["msg_per_s"] == 1.0
    assert figures["p50_ms"] == 200.0
    assert (
        failed_messages({"ours": {"load": {"1": figures}, "long_conversation": {"errors": 1}}}) == 3
    )


def test_pooled_runs_count_every_message_over_all_their_time() -> None:
    first = LoadResult(1, 2, 1.0, [Turn(0, 0, 0.1, True), Turn(0, 1, 0.1, True)])
    second = LoadResult(1, 2, 3.0, [Turn(0, 0, 0.5, True), Turn(0, 1, 0.5, False)])
    pooled = LoadResult.pooled([first, second])
    assert pooled.messages_per_second == 0.75
    assert pooled.errors == 1
    assert pooled.latencies() == [0.1, 0.1, 0.5]
    with pytest.raises(ValueError):
        LoadResult.pooled([])


def test_table_rows_cover_every_level_and_missing_stacks() -> None:
    ours = {"load": {"20": {"msg_per_s": 40.0}, "1": {"msg_per_s": 12.0}}, "ready_s": 9.0}
    rows = table_rows(ours, {}, 10)
    names = [row.name for row in rows]
    assert names.index("1 conv: throughput") < names.index("20 conv: throughput")
    assert "start to ready" in names
    assert all(row.reference is None for row in rows)


def test_rss_of_this_process_and_its_tree() -> None:
    own = rss_bytes(os.getpid())
    assert own > 10 * 2**20
    assert process_tree_rss_bytes(os.getpid()) >= own
    assert rss_bytes(2**22 + 12345) == 0


def test_our_environment_moves_ports_and_sets_the_rest_token() -> None:
    env = our_environment({"PATH": "/bin"}, 5105, 5155, "sqlite:///x.db", "", "t" * 32)
    assert env["RASA_PORT"] == "5105"
    assert env["ACTION_SERVER_URL"] == "http://127.0.0.1:5155/webhook"
    assert env["REST_CHANNEL_TOKEN"] == "t" * 32
    assert env["DATABASE_URL"] == "sqlite:///x.db"
