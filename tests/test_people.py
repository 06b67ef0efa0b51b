"""Authors, editors and sources from Chinese bylines."""

from __future__ import annotations

import pytest

from pipelines.people import parse_byline


@pytest.mark.parametrize(
    ("line", "authors", "editors", "source"),
    [
        ("作者:科技边角料Pro发布时间:2024-11-08", ["科技边角料Pro"], [], None),
        ("文 | 光子星球 编辑 | 吴先之", ["光子星球"], ["吴先之"], None),
        ("文 | 林晓舟、陈思远 编辑 | 孙楚", ["林晓舟", "陈思远"], ["孙楚"], None),
        ("2023年02月15日 15:20 来源:新智观察", [], [], "新智观察"),
        ("责任编辑:李文博", [], ["李文博"], None),
        ("（记者 王小明）", ["王小明"], [], None),
        ("本报记者张三发自北京", ["张三"], [], None),
        ("转载自机器之心", [], [], "机器之心"),
        ("文/李四", ["李四"], [], None),
        ("撰文 | 赵六 钱七", ["赵六", "钱七"], [], None),
        ("作者 | 周一鸣 2024-05-01 12:00", ["周一鸣"], [], None),
        ("By John Smith", ["John Smith"], [], None),
    ],
)
def test_byline(line, authors, editors, source):
    byline = parse_byline([line])
    assert byline.authors == authors
    assert byline.editors == editors
    assert byline.source == source


def test_an_editor_is_never_also_an_author():
    byline = parse_byline(["作者:吴先之", "责任编辑:吴先之"])
    assert byline.editors == ["吴先之"]
    assert byline.authors == []
