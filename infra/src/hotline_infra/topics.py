"""Creates the platform's topics explicitly, with their partition counts (auto-create is off)."""

from __future__ import annotations

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from contracts.topics import STREAMS, dead_letter_topic

DEAD_LETTER_PARTITIONS = 1


def wanted_topics(prefix: str, partitions: int) -> dict[str, int]:
    """Every stream and its dead-letter topic, with partition counts."""
    wanted = {}
    for stream in STREAMS:
        wanted[f"{prefix}{stream}"] = partitions
        wanted[dead_letter_topic(f"{prefix}{stream}")] = DEAD_LETTER_PARTITIONS
    return wanted


async def ensure_topics(bootstrap: str, prefix: str = "", partitions: int = 6) -> list[str]:
    """Create the topics that do not exist yet; returns the names created."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="hotline-infra")
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [
            NewTopic(name, num_partitions=count, replication_factor=1)
            for name, count in wanted_topics(prefix, partitions).items()
            if name not in existing
        ]
        if missing:
            await admin.create_topics(missing)
        return [topic.name for topic in missing]
    finally:
        await admin.close()


def main() -> None:
    """``python -m hotline_infra.topics``: create the topics on the broker named by the settings."""
    import argparse
    import asyncio

    parser = argparse.ArgumentParser(description="Create the platform's topics.")
    parser.add_argument("--bootstrap", default="127.0.0.1:9092")
    parser.add_argument("--prefix", default="")
    parser.add_argument("--partitions", type=int, default=6)
    args = parser.parse_args()
    created = asyncio.run(ensure_topics(args.bootstrap, args.prefix, args.partitions))
    print(f"created: {', '.join(created) or 'nothing, all topics exist'}")


if __name__ == "__main__":
    main()
