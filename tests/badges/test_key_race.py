"""Two workers issuing for a district with no key yet, at the same moment, end up with one key."""

import threading
import time

from badges import keys
from tests.accounts.factories import DistrictFactory


def test_two_threads_ensuring_a_first_key_make_exactly_one(badge_keys_dir, monkeypatch):
    district = DistrictFactory.build(slug="race-usd")
    generate = keys.key_generate

    def slow_generate(district):
        # Widen the window between "no key yet" and "key written", as a busy worker would.
        time.sleep(0.3)
        return generate(district)

    monkeypatch.setattr(keys, "key_generate", slow_generate)
    start = threading.Barrier(2)
    results: list[keys.SigningKey] = []
    errors: list[BaseException] = []

    def worker() -> None:
        start.wait()
        try:
            results.append(keys.key_ensure(district))
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert len(results) == 2
    assert results[0].key_id == results[1].key_id
    pem_files = sorted(path.name for path in (badge_keys_dir / "race-usd").glob("*.pem"))
    assert pem_files == [f"{results[0].key_id}.pem"]
    assert [key.key_id for key in keys.signing_keys(district)] == [results[0].key_id]
