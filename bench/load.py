"""Load benchmark for the WeChat channel: simulated workers over loopback, the real bot behind it.

Method: starts Rasa + the action server (trained model), the web app and a fake customer-service API,
all on 127.0.0.1, with a fresh database (SQLite, or a throw-away PostgreSQL with --postgres). Each
simulated user sends a signed text message (the platform's XML, the platform's 5 s timeout and up to 3
retries), waits for its reply (passive XML, or `success` and then a customer-service push), then pauses
6-10 s as a person types. Levels of 10, 50 and 100 concurrent users run for --duration seconds each. A
reply is lost when neither a passive reply nor a push arrives within 30 s; a reply is duplicated when a
message was processed twice (more stored turns than messages) or pushed twice (more pushes than outbox
rows). The throughput ceiling is the highest open-loop arrival rate (fresh users, one message each) whose
turn latency p95 stays under 1 s.

    .venvs/app/bin/python bench/load.py [--levels 10 50 100] [--duration 30] [--ceiling-rates 2 4 6 8 10 12 16]
    .venvs/app/bin/python bench/load.py --workers 2 --rasa-replicas 2 --postgres \\
        --redis-url redis://127.0.0.1:6379/0 --against-embedded     # production shape vs the embedded default
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import httpx
from prometheus_client.parser import text_string_to_metric_families

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api.core.settings import Settings  # noqa: E402
from knowledge_base.index import current_version  # noqa: E402
from phrasebook import say  # noqa: E402
from tests.support.databases import throwaway_postgres  # noqa: E402
from tests.support.fake_cs import FakeCustomerService  # noqa: E402
from tests.support.processes import AppServer, BotStack, latest_model, local_settings, process_tree  # noqa: E402
from tests.support.wechat_sim import ATTEMPT_TIMEOUT_S, RETRIES, WeChatPlatform  # noqa: E402

TOKEN, APPID, SECRET = "benchToken", "wxbench0000000001", "bench-secret"
REPLY_DEADLINE_S = 30.0
THINK_S = (6.0, 10.0)  # at most 10 messages a minute per person: the channel's rate limit
QUESTIONS = (  # written for this benchmark, in the register workers use
    "老板拖了我两个月工资不发怎么办",
    "周末加班公司不给钱合法吗",
    "干了三年被辞退能拿多少补偿",
    "上班路上摔伤了算工伤吗",
    "公司一直没给我交社保可以告吗",
    "试用期被辞退有没有赔偿",
    "年假没休完公司要不要给钱",
    "劳动合同到期不续签有补偿吗",
    "怀孕了公司要辞退我怎么办",
    "加班费的基数按什么算",
)


@dataclass
class Turn:
    latency_s: float | None  # None: lost
    passive: bool
    retries: int
    limited: bool = False  # answered with the rate-limit notice


@dataclass
class Run:
    turns: list[Turn] = field(default_factory=list)
    sent_by_user: dict[str, int] = field(default_factory=dict)
    wall_s: float = 0.0


class Pushes:
    """Pushes recorded by the fake API, handed to the waiting simulated user."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.queues: dict[str, asyncio.Queue[float]] = {}

    def queue(self, openid: str) -> asyncio.Queue[float]:
        return self.queues.setdefault(openid, asyncio.Queue())

    def record(self, openid: str, _content: str) -> None:  # called from the fake API's thread
        self.loop.call_soon_threadsafe(lambda: self.queue(openid).put_nowait(time.monotonic()))


async def one_turn(
    http: httpx.AsyncClient,
    sim: WeChatPlatform,
    pushes: Pushes,
    openid: str,
    text: str,
    deadline_s: float = REPLY_DEADLINE_S,
) -> Turn:
    inbox = pushes.queue(openid)
    while not inbox.empty():  # late parts of the previous answer
        inbox.get_nowait()
    params, body = sim.query(sim.text(openid, text), encrypted=False)
    url = f"{sim.base_url}/wechat?{urlencode(params)}"
    started = time.monotonic()
    for attempt in range(1 + RETRIES):
        try:
            response = await http.post(url, content=body.encode(), timeout=ATTEMPT_TIMEOUT_S)
        except httpx.HTTPError:
            await asyncio.sleep(max(0.0, started + ATTEMPT_TIMEOUT_S * (attempt + 1) - time.monotonic()))
            continue
        if response.status_code != 200:
            continue
        if response.text != "success":
            limited = sim.reply_text(response, encrypted=False) == say("dialogue.rate_limited")
            return Turn(time.monotonic() - started, passive=True, retries=attempt, limited=limited)
        try:
            pushed_at = await asyncio.wait_for(inbox.get(), deadline_s)
        except TimeoutError:
            break
        return Turn(pushed_at - started, passive=False, retries=attempt)
    return Turn(None, passive=False, retries=RETRIES)


async def closed_loop(base_url: str, pushes: Pushes, users: int, duration_s: float, tag: str) -> Run:
    run = Run()
    sim = WeChatPlatform(base_url, TOKEN)
    stop_at = time.monotonic() + duration_s
    limits = httpx.Limits(max_connections=users * 2, max_keepalive_connections=users * 2)

    async def person(index: int, http: httpx.AsyncClient) -> None:
        openid = f"oBench_{tag}_{index}"
        await asyncio.sleep(random.uniform(0, THINK_S[1]))  # people do not all start at once
        while time.monotonic() < stop_at:
            run.turns.append(await one_turn(http, sim, pushes, openid, random.choice(QUESTIONS)))
            run.sent_by_user[openid] = run.sent_by_user.get(openid, 0) + 1
            await asyncio.sleep(random.uniform(*THINK_S))

    started = time.monotonic()
    async with httpx.AsyncClient(limits=limits) as http:
        await asyncio.gather(*(person(i, http) for i in range(users)))
    run.wall_s = time.monotonic() - started
    sim.close()
    return run


async def open_loop(base_url: str, pushes: Pushes, rate: float, duration_s: float, tag: str) -> Run:
    run = Run()
    sim = WeChatPlatform(base_url, TOKEN)
    tasks = []
    started = time.monotonic()
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=500)) as http:
        for i in range(int(rate * duration_s)):
            await asyncio.sleep(max(0.0, started + i / rate - time.monotonic()))
            openid = f"oRate_{tag}_{i}"
            run.sent_by_user[openid] = 1
            tasks.append(asyncio.create_task(one_turn(http, sim, pushes, openid, random.choice(QUESTIONS))))
        run.turns = list(await asyncio.gather(*tasks))
    run.wall_s = time.monotonic() - started
    sim.close()
    return run


def duplicates(app: AppServer, fake: FakeCustomerService, run: Run) -> int:
    """Messages processed twice plus pushes sent twice, for the users of this run."""
    count = 0
    pushed: dict[str, int] = {}
    for payload in list(fake.pushes):
        pushed[payload["touser"]] = pushed.get(payload["touser"], 0) + 1
    for openid, sent in run.sent_by_user.items():
        stored = app.rows(
            "SELECT count(*) FROM conversation_messages WHERE channel = 'wechat' AND user_id = :u AND direction = 'in'",
            u=openid,
        )[0][0]
        rows = app.rows("SELECT count(*) FROM wechat_outbox WHERE openid = :u AND status = 'sent'", u=openid)[0][0]
        count += max(0, stored - sent) + max(0, pushed.get(openid, 0) - rows)
    return count


class ProcessMeter:
    """CPU time and peak resident memory of processes, from /proc."""

    def __init__(self, pids: dict[str, int]) -> None:
        self.pids = pids
        self.peak_rss: dict[str, int] = dict.fromkeys(pids, 0)
        self.cpu_start = {name: _cpu_s(pid) for name, pid in pids.items()}
        self.started = time.monotonic()

    async def sample(self) -> None:
        while True:
            for name, pid in self.pids.items():
                self.peak_rss[name] = max(self.peak_rss[name], _rss_bytes(pid))
            await asyncio.sleep(0.5)

    def report(self) -> dict[str, tuple[float, float]]:
        """name -> (average CPU % of one core, peak RSS MiB)."""
        wall = time.monotonic() - self.started
        return {
            name: (100 * (_cpu_s(pid) - self.cpu_start[name]) / wall, self.peak_rss[name] / 2**20)
            for name, pid in self.pids.items()
        }


def _cpu_s(pid: int) -> float:
    """CPU seconds of the process tree's live members."""
    total = 0.0
    for member in process_tree(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _rss_bytes(pid: int) -> int:
    total = 0
    for member in process_tree(pid):
        try:
            lines = Path(f"/proc/{member}/status").read_text().splitlines()
        except OSError:
            continue
        total += next((int(line.split()[1]) * 1024 for line in lines if line.startswith("VmRSS:")), 0)
    return total


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def summary(run: Run) -> dict:
    done = sorted(t.latency_s for t in run.turns if t.latency_s is not None)
    return {
        "messages": len(run.turns),
        "p50": percentile(done, 50),
        "p95": percentile(done, 95),
        "p99": percentile(done, 99),
        "msgs_per_s": len(done) / run.wall_s if run.wall_s else 0.0,
        "passive": sum(t.passive for t in run.turns),
        "pushed": sum(1 for t in run.turns if t.latency_s is not None and not t.passive),
        "lost": sum(t.latency_s is None for t in run.turns),
        "retried": sum(t.retries > 0 for t in run.turns),
        "limited": sum(t.limited for t in run.turns),
    }


def machine_facts() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kib = int(Path("/proc/meminfo").read_text().split()[1])
    load = os.getloadavg()
    return (
        f"machine: {cpu}, {os.cpu_count()} cores, {mem_kib / 2**20:.1f} GiB RAM, load average "
        f"{load[0]:.2f}/{load[1]:.2f}/{load[2]:.2f} at start; Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


@dataclass
class Config:
    """How the product is run: app workers, Rasa replicas, and where their shared state lives."""

    name: str
    workers: int
    rasa_replicas: int
    postgres: bool  # a throw-away PostgreSQL database on 127.0.0.1:5432 (else SQLite in the run's directory)
    redis_url: str  # "" : rate limits and signals in each process

    def describe(self) -> str:
        database = "PostgreSQL" if self.postgres else "SQLite"
        shared = f", Redis {self.redis_url}" if self.redis_url else ""
        return f"{self.workers} app worker(s), {self.rasa_replicas} Rasa replica(s), {database}{shared}"


EMBEDDED = Config("embedded default", workers=1, rasa_replicas=1, postgres=False, redis_url="")


def configs(args: argparse.Namespace) -> list[Config]:
    chosen = Config("this configuration", args.workers, args.rasa_replicas, args.postgres, args.redis_url)
    return [EMBEDDED, chosen] if args.against_embedded else [chosen]


@contextlib.contextmanager
def database_for(config: Config, var_dir: Path) -> Iterator[str]:
    if not config.postgres:
        yield f"sqlite:///{var_dir / 'laborbot.db'}"
        return
    with throwaway_postgres("laborbot_bench") as url:
        yield url


@contextlib.asynccontextmanager
async def product(config: Config, pushes: Pushes, args: argparse.Namespace):
    """The product's processes in ``config``, with a fake customer-service API: (app, bot, fake)."""
    model = latest_model()
    if model is None:
        sys.exit("no trained model in models/: run `laborbot train` first")
    index_dir = Settings().index_dir  # the product's own index (LABORBOT_INDEX_DIR or var/index)
    if current_version(index_dir) is None:
        sys.exit(f"no knowledge-base index in {index_dir}: run `laborbot kb build` first")
    var_dir = Path(tempfile.mkdtemp(prefix="laborbot-load-"))
    fake = FakeCustomerService(APPID, SECRET, on_push=pushes.record).start()
    with database_for(config, var_dir) as database_url:
        settings = local_settings(
            var_dir,
            index_dir,
            rasa_replicas=config.rasa_replicas,
            workers=config.workers,
            database_url=database_url,
            redis_url=config.redis_url,
            wechat_token=TOKEN,
            wechat_appid=APPID,
            wechat_app_secret=SECRET,
            wechat_api_base=fake.url,
            chat_rate_limit_per_min=args.rate_limit,
        )
        print(f"\n=== {config.name}: {config.describe()}")
        print(f"model: {model.name}; index: {index_dir / current_version(index_dir)}; all on 127.0.0.1; {var_dir}")
        bot = BotStack(settings, model).start()
        app = AppServer(settings, healthy=True).start()  # the index loaded, Rasa ready: every turn is a real one
        try:
            for i in range(4 * config.workers):  # first turns load lazily initialised parts, in every worker:
                warm = WeChatPlatform(app.url, TOKEN)  # a new connection each time lands on any worker
                await asyncio.to_thread(warm.deliver, warm.text(f"oBench_warmup{i}", QUESTIONS[i % len(QUESTIONS)]))
                warm.close()
            yield app, bot, fake
        finally:
            app.stop()
            bot.stop()
            fake.stop()


async def bench(args: argparse.Namespace) -> None:
    print(machine_facts())
    print(__doc__.split("\n\n")[1])
    pushes = Pushes(asyncio.get_running_loop())
    results = []
    for config in configs(args):
        async with product(config, pushes, args) as (app, bot, fake):
            meter_pids = {"app": app.process.popen.pid, **bot.pids()}
            rows = []
            for users in args.levels:
                meter = ProcessMeter(meter_pids)
                sampler = asyncio.create_task(meter.sample())
                stages_before = await stage_totals(app.url)
                run = await closed_loop(app.url, pushes, users, args.duration, f"u{users}")
                sampler.cancel()
                await asyncio.sleep(2.0)  # late pushes count as duplicates if any
                rows.append((users, summary(run), duplicates(app, fake, run), meter.report()))
                print_level(*rows[-1])
                print_stages(stages_before, await stage_totals(app.url))
            print_table(rows)
            best = await ceiling(app, fake, pushes, args) if args.ceiling_rates else None
            results.append((config, rows, best))
    if len(results) > 1:
        print_comparison(results)


async def ceiling(app: AppServer, fake: FakeCustomerService, pushes: Pushes, args: argparse.Namespace) -> float | None:
    print("\nthroughput ceiling (open loop, one message per fresh user):")
    print(f"{'rate/s':>7} {'msgs':>5} {'p50 s':>7} {'p95 s':>7} {'done/s':>7} {'lost':>5} {'dup':>4}")
    best = None
    for rate in args.ceiling_rates:
        tag = f"r{rate:g}".replace(".", "_")  # openids are letters, digits, _ and -
        run = await open_loop(app.url, pushes, rate, args.ceiling_step, tag)
        await asyncio.sleep(2.0)
        s = summary(run)
        dup = duplicates(app, fake, run)
        print(
            f"{rate:>7} {s['messages']:>5} {s['p50']:>7.3f} {s['p95']:>7.3f} {s['msgs_per_s']:>7.2f} "
            f"{s['lost']:>5} {dup:>4}"
        )
        if s["p95"] >= 1.0 or s["lost"]:
            break
        best = rate
    print(f"ceiling: {best if best is not None else '< ' + str(args.ceiling_rates[0])} msgs/s with p95 < 1 s")
    return best


def print_comparison(results: list) -> None:
    """The configurations side by side, measured one after the other in this run."""
    levels = [users for users, *_ in results[0][1]]
    head = " | ".join(f"p50 / p95 at {u} users" for u in levels)
    print(f"\n| configuration | {head} | ceiling (p95 < 1 s) | lost / dup |")
    print("|" + "---|" * (len(levels) + 3))
    for config, rows, best in results:
        cells = " | ".join(f"{s['p50']:.3f} / {s['p95']:.3f} s" for _u, s, _d, _m in rows)
        lost, dup = sum(s["lost"] for _u, s, _d, _m in rows), sum(d for _u, _s, d, _m in rows)
        print(f"| {config.describe()} | {cells} | {best if best is not None else '–'} msgs/s | {lost} / {dup} |")


STAGE_ORDER = ("nlu", "decide", "retrieval", "dialogue", "database")


async def stage_totals(base_url: str) -> dict[str, tuple[float, float]]:
    """stage -> (seconds, observations) so far, from the app's own /metrics (laborbot_stage_seconds)."""
    async with httpx.AsyncClient(timeout=10) as http:
        body = (await http.get(f"{base_url}/metrics")).text
    totals: dict[str, list[float]] = {}
    for family in text_string_to_metric_families(body):
        if family.name != "laborbot_stage_seconds":
            continue
        for sample in family.samples:
            slot = {"laborbot_stage_seconds_sum": 0, "laborbot_stage_seconds_count": 1}.get(sample.name)
            if slot is not None:
                totals.setdefault(sample.labels["stage"], [0.0, 0.0])[slot] += sample.value
    return {stage: (seconds, count) for stage, (seconds, count) in totals.items()}


def print_stages(before: dict, after: dict) -> None:
    """Where the level's turns spent their time, as the app measured each stage (wall time, mean per use)."""
    means = []
    for stage in STAGE_ORDER:
        (seconds_after, count_after), (seconds_before, count_before) = (
            totals.get(stage, (0.0, 0.0)) for totals in (after, before)
        )
        seconds, count = seconds_after - seconds_before, count_after - count_before
        if count:
            means.append(f"{stage} {1000 * seconds / count:.0f} ms")
    if means:
        print("  where a turn's time went (mean wall time per use, app's /metrics): " + ", ".join(means))


def print_level(users: int, s: dict, dup: int, usage: dict) -> None:
    cpu = ", ".join(f"{name} {pct:.0f}% CPU / {rss:.0f} MiB" for name, (pct, rss) in usage.items())
    print(
        f"{users} users: {s['messages']} messages, p95 {s['p95']:.3f} s, lost {s['lost']}, dup {dup}, "
        f"rate-limited {s['limited']}; {cpu}"
    )


def print_table(rows: list) -> None:
    print(
        "\n| users | msgs | p50 s | p95 s | p99 s | msgs/s | passive | pushed | lost | dup | retried "
        "| app CPU % | app peak MiB | rasa CPU % | actions CPU % |"
    )
    print("|" + "---|" * 15)
    for users, s, dup, usage in rows:
        app_cpu, app_rss = usage["app"]
        rasa_cpu = sum(cpu for name, (cpu, _rss) in usage.items() if name.startswith("rasa"))  # all replicas
        print(
            f"| {users} | {s['messages']} | {s['p50']:.3f} | {s['p95']:.3f} | {s['p99']:.3f} | "
            f"{s['msgs_per_s']:.2f} | {s['passive']} | {s['pushed']} | {s['lost']} | {dup} | {s['retried']} | "
            f"{app_cpu:.0f} | {app_rss:.0f} | {rasa_cpu:.0f} | {usage['actions'][0]:.0f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--levels", type=int, nargs="+", default=[10, 50, 100])
    parser.add_argument("--duration", type=float, default=30.0, help="seconds per level")
    parser.add_argument("--ceiling-rates", type=float, nargs="*", default=[2, 4, 6, 8, 10, 12, 16])
    parser.add_argument("--ceiling-step", type=float, default=10.0, help="seconds per rate")
    parser.add_argument("--rate-limit", type=int, default=10, help="messages per user per minute")
    defaults = Settings()
    parser.add_argument("--workers", type=int, default=defaults.workers, help="app worker processes")
    parser.add_argument("--rasa-replicas", type=int, default=defaults.rasa_replicas)
    parser.add_argument("--postgres", action="store_true", help="a throw-away PostgreSQL database, not SQLite")
    parser.add_argument("--redis-url", default=defaults.redis_url, help="e.g. redis://127.0.0.1:6379/0")
    parser.add_argument(
        "--against-embedded", action="store_true", help="first measure the embedded default, in the same run"
    )
    args = parser.parse_args()
    random.seed(20241124)
    asyncio.run(bench(args))


if __name__ == "__main__":
    main()
