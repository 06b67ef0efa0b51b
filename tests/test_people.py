"""Authors, editors and sources from bylines: Chinese ones first, then others."""

from __future__ import annotations

import pytest

from extractor.credits_old import parse_byline


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
        ("作者 | 张一帆", ["张一帆"], [], None),
        ("执笔人：李四", ["李四"], [], None),
        ("来源：尹娟", ["尹娟"], [], None),  # a person named as the source is the author
        ("来源：新华社", [], [], "新华社"),
        ("光明日报记者 王建宏 张文攀", ["王建宏", "张文攀"], [], None),
        ("ggjjzhzz 发表于 2005-9-15 11:46:00", ["ggjjzhzz"], [], None),
        ("发布时间 2005/03/15 22:36:13 by duscha", ["duscha"], [], None),
        ("责编：孙楚 校对：周一", [], ["孙楚"], None),
        # Bylines in other languages, and what only looks like one.
        ("By César Salza", ["César Salza"], [], None),
        ("Text von Christian Seiler Illustration von Markus Roost", ["Christian Seiler"], [],
         None),
        ("Ein Artikel von Pamela Sladky | 27.01.2022 - 12:45", ["Pamela Sladky"], [], None),
        ("Von R. R. am 26. Februar 2014", ["R. R."], [], None),
        ("06.11.2023 13:30 von Olga", ["Olga"], [], None),
        ("Por Steven Lee Myers, Keith Bradsher y Tariq Panja",
         ["Steven Lee Myers", "Keith Bradsher y Tariq Panja"], [], None),
        ("Par Sébastien Farcis", ["Sébastien Farcis"], [], None),
        ("von Künstlern, Bands, DJs,", [], [], None),
        ("Die Rede von Bundespräsident Johannes Rau beim Konvent", [], [], None),
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


def test_reporter_names_do_not_swallow_the_sentence():
    byline = parse_byline(["记者联系采访的时候，他正在医院住院"])
    assert byline.authors == []


def test_person_in_meta_line():
    from extractor.credits_old import person_in_meta_line

    assert person_in_meta_line("[ 黄宇 ] 来源：[ 国际金融报 ]") == "黄宇"
    assert person_in_meta_line("胡平") == "胡平"
    assert person_in_meta_line("关闭") is None
    assert person_in_meta_line("新华社") is None
