"""The on-disk cache of rendered lessons: hits, misses, invalidation and damaged files."""

from __future__ import annotations

from smmacademy.content import render as render_module
from smmacademy.content.catalog import load_catalog
from smmacademy.content.documents import load_documents
from smmacademy.content.render import render_markdown
from smmacademy.content.render_cache import RenderCache
from smmacademy.content.yamlfile import load_yaml

SOURCE = "# Title\n\n## Part one\n\nSome *text* with ![a chart](chart.png).\n"


def test_second_render_is_read_from_disk_and_equals_a_fresh_render(tmp_path):
    cache = RenderCache(tmp_path)
    first = cache.render(SOURCE, "/learn/assets/c/")
    second = RenderCache(tmp_path).render(SOURCE, "/learn/assets/c/")
    assert (cache.hits, cache.misses) == (0, 1)
    assert second == first == render_markdown(SOURCE, "/learn/assets/c/")
    assert second.images == ("chart.png",)
    assert second.toc == ((2, "part-one", "Part one"),)


def test_hit_counts_and_one_file_per_document(tmp_path):
    cache = RenderCache(tmp_path)
    cache.render(SOURCE)
    cache.render(SOURCE)
    cache.render(SOURCE, "/other/")  # another asset prefix renders differently: its own entry
    assert (cache.hits, cache.misses) == (1, 2)
    assert len(list(tmp_path.rglob("*.json"))) == 2


def test_edited_source_is_rendered_again(tmp_path):
    cache = RenderCache(tmp_path)
    cache.render(SOURCE)
    edited = cache.render(SOURCE.replace("Some", "Other"))
    assert cache.misses == 2
    assert "Other" in edited.html


def test_new_renderer_version_renders_again(tmp_path, monkeypatch):
    cache = RenderCache(tmp_path)
    old_path = cache.path_for(SOURCE, "")
    cache.render(SOURCE)
    monkeypatch.setattr("smmacademy.content.render_cache.RENDERER_VERSION", render_module.RENDERER_VERSION + 1)
    assert cache.path_for(SOURCE, "") != old_path
    cache.render(SOURCE)
    assert (cache.hits, cache.misses) == (0, 2)


def test_corrupted_cache_file_is_ignored_and_rewritten(tmp_path):
    cache = RenderCache(tmp_path)
    good = cache.render(SOURCE)
    path = cache.path_for(SOURCE, "")
    for damage in (b'{"html": "<p>trunc', b'{"html": 3, "toc": [], "text": "", "images": []}', b"[]", b"\xff\xfe"):
        path.write_bytes(damage)
        again = RenderCache(tmp_path)
        assert again.render(SOURCE) == good
        assert again.misses == 1
        assert RenderCache(tmp_path).render(SOURCE) == good  # the file was written back whole
        assert path.read_bytes() != damage


def test_front_matter_round_trips_with_line_numbers(tmp_path):
    text = "title: A\nminutes: 5\nquiz:\n  - id: q1\n    correct: [a, b]\n    weight: 1.5\n    note: null\n"
    cache = RenderCache(tmp_path)
    cache.load_yaml(text)
    cached = RenderCache(tmp_path).load_yaml(text)
    fresh = load_yaml(text)
    assert cached == fresh
    assert cached.line_of("quiz") == fresh.line_of("quiz") == 3
    assert cached["quiz"].line == fresh["quiz"].line == 4
    assert cached["quiz"][0].line_of("correct") == 5
    assert cached["quiz"][0]["correct"].line == fresh["quiz"][0]["correct"].line


def test_front_matter_with_a_date_is_parsed_every_time_not_cached(tmp_path):
    cache = RenderCache(tmp_path)
    assert str(cache.load_yaml("published: 2026-01-02\n")["published"]) == "2026-01-02"
    assert not list(tmp_path.rglob("*.json"))


def test_unwritable_cache_folder_only_costs_speed(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert RenderCache(blocker).render(SOURCE) == render_markdown(SOURCE)


def test_catalog_from_warm_cache_equals_catalog_without_cache(courses_dir, tmp_path):
    plain = load_catalog(courses_dir)
    cold_cache = tmp_path / "cache"
    cold = load_catalog(courses_dir, cache_dir=cold_cache)
    warm = load_catalog(courses_dir, cache_dir=cold_cache)
    assert not plain.errors
    assert cold.courses == warm.courses == plain.courses
    assert cold.framework == warm.framework == plain.framework


def test_edited_lesson_reaches_the_catalog_through_the_cache(courses_dir, tmp_path):
    cache = tmp_path / "cache"
    before = load_catalog(courses_dir, cache_dir=cache)
    course = next(iter(before.courses.values()))
    module = course.modules[0]
    path = module.path
    with open(path, encoding="utf-8") as file:
        text = file.read()
    with open(path, "w", encoding="utf-8") as file:
        file.write(text + "\n\nA freshly added closing paragraph.\n")
    after = load_catalog(courses_dir, cache_dir=cache)
    edited = after.courses[course.slug].modules[0]
    assert "A freshly added closing paragraph." in edited.texts["en"].html
    assert "A freshly added closing paragraph." not in module.texts["en"].html


def test_bad_front_matter_is_reported_on_every_load(courses_dir, tmp_path):
    cache = tmp_path / "cache"
    course = next(p for p in sorted(courses_dir.iterdir()) if p.is_dir())
    module = next(course.glob("[0-9][0-9]-*.md"))
    module.write_text("---\ntitle: [unclosed\n---\nBody\n", encoding="utf-8")
    first = load_catalog(courses_dir, cache_dir=cache)
    second = load_catalog(courses_dir, cache_dir=cache)
    assert [e.message for e in first.errors] == [e.message for e in second.errors]
    assert any("invalid YAML" in e.message for e in second.errors)


def _sources(courses_dir):
    """(path, asset prefix) of every module file of the fixture tree, as the loader prepares them."""
    return [(path, f"/learn/assets/{path.parent.name[3:]}/") for path in sorted(courses_dir.glob("*/0*.md"))]


def test_warm_documents_come_from_one_cache_file_each_and_equal_fresh_ones(courses_dir, tmp_path):
    files = _sources(courses_dir)
    cold_cache = RenderCache(tmp_path / "cache")
    cold = load_documents(files, cold_cache, workers=1)
    warm_cache = RenderCache(tmp_path / "cache")
    warm = load_documents(files, warm_cache, workers=1)
    assert (cold_cache.hits, cold_cache.misses) == (0, len(files))
    assert (warm_cache.hits, warm_cache.misses) == (len(files), 0)
    assert len(list((tmp_path / "cache").rglob("*.json"))) == len(files)
    assert warm == cold == load_documents(files, None, workers=1)
    first = warm[files[0][0]]
    assert first.meta.line_of("title") == cold[files[0][0]].meta.line_of("title")
    assert first.words > 0 and first.body_line > 2


def test_parallel_preparation_equals_preparation_in_one_process(courses_dir, tmp_path):
    in_one = load_catalog(courses_dir, cache_dir=tmp_path / "one", workers=1)
    in_two = load_catalog(courses_dir, cache_dir=tmp_path / "two", workers=2)
    assert not in_two.errors
    assert in_two.courses == in_one.courses
    # The workers wrote the cache: the next load reads every file from it.
    cache = RenderCache(tmp_path / "two")
    load_documents(_sources(courses_dir), cache)
    assert cache.misses == 0


def test_invalid_front_matter_is_reported_with_its_line_in_parallel_and_from_the_cache(courses_dir, tmp_path):
    module = sorted(courses_dir.glob("*/0*.md"))[0]
    module.write_text("---\ntitle: A\nminutes: [unclosed\n---\nBody\n", encoding="utf-8")
    reports = [
        [str(e) for e in load_catalog(courses_dir, cache_dir=tmp_path / "cache", workers=workers).errors]
        for workers in (2, 1, 1)  # cold in two processes, then warm twice
    ]
    assert reports[0] == reports[1] == reports[2]
    assert [e for e in reports[0] if "invalid YAML" in e and module.name in e]
    assert reports[0] == [str(e) for e in load_catalog(courses_dir).errors]


def test_new_renderer_version_prepares_every_document_again(courses_dir, tmp_path, monkeypatch):
    files = _sources(courses_dir)
    load_documents(files, RenderCache(tmp_path), workers=1)
    monkeypatch.setattr("smmacademy.content.render_cache.RENDERER_VERSION", render_module.RENDERER_VERSION + 1)
    cache = RenderCache(tmp_path)
    load_documents(files, cache, workers=1)
    assert (cache.hits, cache.misses) == (0, len(files))


def test_stale_entry_of_an_edited_file_is_not_used(courses_dir, tmp_path):
    path, prefix = _sources(courses_dir)[0]
    old = load_documents([(path, prefix)], RenderCache(tmp_path))[path]
    path.write_text(path.read_text(encoding="utf-8").replace("title:", "title: Edited", 1), encoding="utf-8")
    cache = RenderCache(tmp_path)
    new = load_documents([(path, prefix)], cache)[path]
    assert cache.misses == 1
    assert new.meta["title"].startswith("Edited") and not old.meta["title"].startswith("Edited")


def test_corrupt_document_entries_are_prepared_again_not_a_crash(courses_dir, tmp_path):
    plain = load_catalog(courses_dir)
    load_catalog(courses_dir, cache_dir=tmp_path / "cache")
    entries = sorted((tmp_path / "cache").rglob("*.json"))
    damages = [b'{"front": {"line": 1, "items": [[', b"[]", b"\xff\xfe", b'{"body": "x"}', b'{"body": [0, 2]}', b"null"]
    for index, entry in enumerate(entries):
        entry.write_bytes(damages[index % len(damages)])
    again = load_catalog(courses_dir, cache_dir=tmp_path / "cache")
    assert not again.errors
    assert again.courses == plain.courses
    cache = RenderCache(tmp_path / "cache")  # every damaged entry was written back whole
    load_documents(_sources(courses_dir), cache, workers=1)
    assert cache.misses == 0


def test_front_matter_with_a_date_is_parsed_each_load_not_cached_lossily(tmp_path):
    path = tmp_path / "01-dated.md"
    path.write_text("---\ntitle: Dated\npublished: 2026-01-02\n---\nBody text\n", encoding="utf-8")
    for _ in range(2):
        document = load_documents([(path, "")], RenderCache(tmp_path / "cache"))[path]
        assert str(document.meta["published"]) == "2026-01-02"
        assert document.rendered.html == "<p>Body text</p>"
    assert not list((tmp_path / "cache").rglob("*.json"))


def test_a_file_without_front_matter_is_reported_from_the_cache_too(tmp_path):
    path = tmp_path / "01-bare.md"
    path.write_text("No front matter here\n", encoding="utf-8")
    for _ in range(2):
        document = load_documents([(path, "")], RenderCache(tmp_path / "cache"))[path]
        assert document.missing_front_matter and document.meta is None
