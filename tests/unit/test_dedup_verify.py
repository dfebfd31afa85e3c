"""Dedup stages without an archive: features, MinHash, band keys, verifier verdicts."""

from dataclasses import replace

import numpy as np
import pytest
from dedup_texts import INDEPENDENT, ORIGINAL, REORDERED, REWRITE, SYNDICATED, TRUNCATED, UNRELATED, text

from archive.dedup.config import DedupConfig
from archive.dedup.features import anchor_hashes, line_input, sentence_sizes, sentences, shingle_hashes, text_features
from archive.dedup.minhash import Signer, band_keys, containment_from_jaccard, estimate_jaccard, lsh_parameters
from archive.dedup.verify import Verifier, ordered_alignment

CONFIG = DedupConfig()


def verdict(left, right):
    return Verifier(CONFIG).verify(
        text_features(text(left), CONFIG.shingle_size), text_features(text(right), CONFIG.shingle_size)
    )


@pytest.mark.parametrize(
    "copy, kind",
    [(SYNDICATED, "near"), (TRUNCATED, "near"), (REORDERED, "near"), (REWRITE, "rewrite")],
    ids=["syndicated-other-boilerplate", "truncated", "reordered-paragraphs", "rewrite"],
)
def test_copies_are_recognised_with_their_kind(copy, kind):
    found = verdict(ORIGINAL, copy)
    assert found is not None and found.kind == kind
    assert 0.5 <= found.similarity <= 1.0
    assert verdict(copy, ORIGINAL) == found  # symmetric


@pytest.mark.parametrize("other", [INDEPENDENT, UNRELATED], ids=["same-event-report", "unrelated"])
def test_look_alikes_are_not_copies(other):
    assert verdict(ORIGINAL, other) is None
    assert verdict(REWRITE, other) is None


def test_a_rewrite_needs_more_aligned_sentences_than_a_lead_holds():
    # Two outlets' leads of one event line up sentence by sentence (who, what, when first),
    # so three aligned sentences prove nothing; the same rewrite one sentence longer is found.
    assert verdict(ORIGINAL[:3], REWRITE[:3]) is None
    found = verdict(ORIGINAL[:4], REWRITE[:4])
    assert found is not None and found.kind == "rewrite"


def test_truncated_copy_is_found_by_containment_not_jaccard():
    a, b = text_features(text(ORIGINAL), 2), text_features(text(TRUNCATED), 2)
    shared = len(np.intersect1d(a.shingles, b.shingles))
    assert shared / len(np.union1d(a.shingles, b.shingles)) < 0.5 < shared / len(b.shingles)


def test_tiny_texts_are_never_near_copies():
    assert verdict(["first article text"], ["second article text"]) is None


def test_sentences_and_anchors():
    assert sentences('He said "no." Then he left.\nNew line') == ['He said "no."', "Then he left.", "New line"]
    # Names and figures inside sentences are anchors; sentence-initial words are not.
    assert len(anchor_hashes("The board met Miriam Okafor. It cost 86 million.")) == 3


def test_signatures_are_datasketch_minhashes_and_batch_consistent():
    from datasketch import MinHash

    rng = np.random.default_rng(3)
    base = np.unique(rng.integers(0, 2**32, 800, dtype=np.uint64).astype(np.uint32))
    half = np.unique(np.concatenate([base[:400], rng.integers(0, 2**32, 400, dtype=np.uint64).astype(np.uint32)]))
    empty = np.zeros(0, dtype=np.uint32)
    signer = Signer(256, seed=1)
    batch = signer.signatures([base, half, empty, base])
    one_by_one = np.stack([signer.signatures([s])[0] for s in (base, half, empty, base)])
    assert (batch == one_by_one).all() and (batch[0] == batch[3]).all()
    # The very values datasketch computes for the same set, fed one by one.
    reference = MinHash(num_perm=256, seed=1, hashfunc=int)
    for value in half.tolist():
        reference.update(value)
    assert (batch[1] == reference.hashvalues).all()
    # Every row the same values as datasketch's update_batch computes.
    sets = [base, half[:1], empty, half, base[:499]]
    for row, values in zip(signer.signatures(sets), sets, strict=True):
        expected = MinHash(num_perm=256, seed=1, hashfunc=int)
        expected.update_batch(values.tolist())
        assert (row == expected.hashvalues).all()
    jaccard = len(np.intersect1d(base, half)) / len(np.union1d(base, half))
    assert abs(estimate_jaccard(batch[:1], batch[1:2])[0] - jaccard) < 0.08
    assert containment_from_jaccard(np.array([1 / 3]), np.array([800.0]), np.array([800.0]))[0] == pytest.approx(0.5)


def test_lsh_shape_is_datasketchs_choice():
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=CONFIG.lsh_threshold, num_perm=CONFIG.num_perm)
    assert CONFIG.bands_rows == lsh_parameters(CONFIG.lsh_threshold, CONFIG.num_perm) == (lsh.b, lsh.r)


def test_band_keys_match_only_on_equal_bands():
    sigs = np.array([[1, 2, 3, 4], [1, 2, 9, 9], [1, 2, 3, 4]], dtype=np.uint32)
    keys = band_keys(sigs, bands=2, rows=2, channel=0)
    assert keys[0, 0] == keys[1, 0] and keys[0, 1] != keys[1, 1]
    assert (keys[0] == keys[2]).all()
    assert not set(band_keys(sigs, 2, 2, channel=1).ravel()) & set(keys.ravel())


def test_ordered_alignment_counts_non_crossing_matches():
    crossing = np.array([[0, 1], [1, 0]], dtype=np.int32)
    assert ordered_alignment(crossing) == 1
    assert ordered_alignment(np.eye(4, dtype=np.int32)) == 4


def test_shingles_are_stable_and_order_sensitive():
    assert (shingle_hashes(["a", "b", "c"], 2) == shingle_hashes(["a", "b", "c"], 2)).all()
    assert set(shingle_hashes(["a", "b"], 2)) != set(shingle_hashes(["b", "a"], 2))


def test_fingerprint_follows_every_parameter():
    assert CONFIG.fingerprint == DedupConfig().fingerprint
    assert replace(CONFIG, near_containment=0.6).fingerprint != CONFIG.fingerprint


def test_line_input_splits_sentences_and_lines_as_the_verifier_reads_them():
    text = 'Minister Ana Ruiz said "no." Then the talks in Berlin ended!\n\nNew line, 2025 figures\nthe of and'
    found = line_input(text)
    assert found.lines == 4  # a blank line is a line
    # Content stems per sentence ("said", "no", "then" are stop words): the two sentences of
    # line 1, then line 3; none in line 2 (blank) or line 4 (stop words only).
    assert sentence_sizes(found.sentence_of).tolist() == [3, 3, 4]
    assert found.line_starts.tolist() == [0, 6, 6, 10, 10]
    # Anchors only from lines of running text: "ana", "ruiz", "berlin"; not the words that
    # begin a sentence ("Minister", "Then"), and line 3 is too short to count.
    assert found.anchor_starts.tolist() == [0, 3, 3, 3, 3]


def test_the_input_of_kept_lines_is_the_input_of_the_text_they_make():
    lines = [
        "Site | News | Sport",
        "The council approved the Harbour Road plan on Tuesday. Work starts in May at a cost of 12 million.",
        "",
        "Residents opposed it, Mayor Lena Ortiz said. “We listened.” The vote was 7 to 2 after a long debate tonight.",
        "Subscribe for unlimited access.",
    ]
    whole = line_input("\n".join(lines))
    for kept in ([1, 2, 3], [1, 3], [0, 3, 4], [3]):
        part, alone = whole.keep(np.array(kept)), line_input("\n".join(lines[i] for i in kept))
        for name in ("stems", "line_starts", "anchors", "anchor_starts", "paragraphs"):
            assert np.array_equal(getattr(part, name), getattr(alone, name)), (kept, name)
        assert np.array_equal(sentence_sizes(part.sentence_of), sentence_sizes(alone.sentence_of))
        assert all(np.array_equal(a, b) for a, b in zip(part.sets(2), alone.sets(2), strict=True))
