"""Chaos run: under load, one app worker and one Rasa replica are killed (SIGKILL) and come back; nothing
may be lost or duplicated, and every reply is delivered once.

Method: the production shape on 127.0.0.1 (bench/load.py's `product`): --workers app workers behind one
port (uvicorn restarts a dead one), --rasa-replicas Rasa replicas with trackers in a throw-away PostgreSQL
database and Redis locks, the app's shared state in the same database and Redis. Fresh simulated WeChat
users arrive open-loop at --rate messages/s for --duration seconds, each sending one message with the
platform's retries. At --kill-at seconds one app worker and the last Rasa replica get SIGKILL; the replica
is started again at once, as the launcher or Kubernetes would. A reply is lost if it has not arrived
--deadline seconds after the message (a turn the crash cut short is answered by push once its lease runs
out, so this is longer than the load benchmark's 30 s); duplicated as in bench/load.py. Reported: p50/p95
per 5-second window of arrival, the spike after the kill, and the recovery time (from the kill until every
later window's p95 is under 1 s).

    .venvs/app/bin/python bench/chaos.py [--rate 4] [--duration 90] [--kill-at 30] \\
        [--workers 2] [--rasa-replicas 2] [--redis-url redis://127.0.0.1:6379/0]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.load import (  # noqa: E402
    QUESTIONS,
    TOKEN,
    Config,
    Pushes,
    Run,
    duplicates,
    machine_facts,
    one_turn,
    percentile,
    product,
)
from tests.support.wechat_sim import WeChatPlatform  # noqa: E402

WINDOW_S = 5.0


async def chaos(args: argparse.Namespace) -> None:
    print(machine_facts())
    print(__doc__.split("\n\n")[1])
    config = Config("chaos", args.workers, args.rasa_replicas, postgres=True, redis_url=args.redis_url)
    pushes = Pushes(asyncio.get_running_loop())
    async with product(config, pushes, args) as (app, bot, fake):
        run, sent_at = Run(), []
        sim = WeChatPlatform(app.url, TOKEN)
        started = time.monotonic()
        killer = asyncio.create_task(kill_and_restart(app, bot, args.kill_at))
        tasks = []
        async with httpx.AsyncClient(limits=httpx.Limits(max_connections=500)) as http:
            for i in range(int(args.rate * args.duration)):
                await asyncio.sleep(max(0.0, started + i / args.rate - time.monotonic()))
                openid = f"oChaos_{i}"
                run.sent_by_user[openid] = 1
                sent_at.append(time.monotonic() - started)
                turn = one_turn(http, sim, pushes, openid, random.choice(QUESTIONS), deadline_s=args.deadline)
                tasks.append(asyncio.create_task(turn))
            run.turns = list(await asyncio.gather(*tasks))
        run.wall_s = time.monotonic() - started
        killed = await killer
        await asyncio.sleep(5.0)  # a late second push would show as a duplicate
        report(run, sent_at, killed, duplicates(app, fake, run))
        sim.close()


async def kill_and_restart(app, bot, at_s: float) -> dict:
    await asyncio.sleep(at_s)
    workers = app.worker_pids()
    victim_worker = workers[0]
    os.kill(victim_worker, signal.SIGKILL)
    replica = [p for p in bot.processes if p.service.name.startswith("rasa")][-1]
    replica.kill()
    replica.start()
    name = replica.service.name
    print(f"killed app worker {victim_worker} and {name} at {at_s:.0f} s; {name} started again")
    back = await asyncio.to_thread(_wait_replica, bot, replica)
    workers_back = await asyncio.to_thread(_wait_workers, app, len(workers))
    print(f"{name} serving again after {back:.1f} s; {len(workers)} app workers again after {workers_back:.1f} s")
    return {"at_s": at_s, "rasa_back_s": back, "worker_back_s": workers_back}


def _wait_replica(bot, replica) -> float:
    started = time.monotonic()
    index = [p.service.name for p in bot.processes if p.service.name.startswith("rasa")].index(replica.service.name)
    url = bot.settings.rasa_urls[index]
    while not bot._loaded(url):
        time.sleep(0.5)
    return time.monotonic() - started


def _wait_workers(app, count: int) -> float:
    started = time.monotonic()
    while len(app.worker_pids()) < count:
        time.sleep(0.2)
    return time.monotonic() - started


def report(run: Run, sent_at: list[float], killed: dict, dup: int) -> None:
    windows: dict[int, list[float]] = {}
    lost_in: dict[int, int] = {}
    for at, turn in zip(sent_at, run.turns, strict=True):
        window = int(at // WINDOW_S)
        if turn.latency_s is None:
            lost_in[window] = lost_in.get(window, 0) + 1
        else:
            windows.setdefault(window, []).append(turn.latency_s)
    print("\n| arrival window | msgs | p50 s | p95 s | max s | lost |")
    print("|---|---|---|---|---|---|")
    for window in sorted(set(windows) | set(lost_in)):
        values = sorted(windows.get(window, []))
        marker = " ← kill" if window == int(killed["at_s"] // WINDOW_S) else ""
        print(
            f"| {window * WINDOW_S:.0f}–{(window + 1) * WINDOW_S:.0f} s{marker} | {len(values)} | "
            f"{percentile(values, 50):.3f} | {percentile(values, 95):.3f} | {max(values, default=float('nan')):.3f} "
            f"| {lost_in.get(window, 0)} |"
        )
    kill_window = int(killed["at_s"] // WINDOW_S)
    before = [v for w, vs in windows.items() if w < kill_window for v in vs]
    after_windows = {w: vs for w, vs in windows.items() if w >= kill_window}
    spike = max((percentile(sorted(vs), 95) for vs in after_windows.values()), default=float("nan"))
    bad = [w for w, vs in after_windows.items() if percentile(sorted(vs), 95) >= 1.0]
    recovery = (max(bad) + 1) * WINDOW_S - killed["at_s"] if bad else 0.0
    lost = sum(t.latency_s is None for t in run.turns)
    print(
        f"\nmessages {len(run.turns)}, lost {lost}, duplicated {dup}; p95 before the kill "
        f"{percentile(sorted(before), 95):.3f} s, worst window p95 after it {spike:.3f} s, recovered "
        f"(every later window p95 < 1 s) {recovery:.0f} s after the kill; the killed Rasa replica served again "
        f"after {killed['rasa_back_s']:.1f} s, the app worker after {killed['worker_back_s']:.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=4.0, help="messages per second")
    parser.add_argument("--duration", type=float, default=90.0)
    parser.add_argument("--kill-at", type=float, default=30.0)
    parser.add_argument("--deadline", type=float, default=90.0, help="seconds until a reply counts as lost")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rasa-replicas", type=int, default=2)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--rate-limit", type=int, default=10)
    args = parser.parse_args()
    random.seed(20261130)
    asyncio.run(chaos(args))


if __name__ == "__main__":
    main()
