"""Short cuts in the rules stage (detect.py) must decide exactly as the long way would."""

from normalizer.detect import _share_below


def test_consistency_share_counts_only_as_far_as_needed():
    for min_share in (0.1, 0.25, 0.3, 1 / 3, 0.5, 0.6, 2 / 3, 0.75, 0.9, 1.0):
        for bad in range(1, 25):
            for correct in range(0, 60):
                expected = bad / (bad + correct) < min_share
                assert _share_below(bad, iter(range(correct)), min_share) == expected, (min_share, bad, correct)


def test_consistency_share_of_zero_never_fails():
    assert not _share_below(1, iter(range(1000)), 0.0)
