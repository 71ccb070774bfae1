"""Write the bundled sample PDF, DOCX and EPUB (searcher/samples/) from the team's own text below.

    python tests/make_samples.py            # rewrites the three files, byte for byte the same

Needs reportlab (the test extra). The PDF names the standard CJK font STSong-Light without
embedding it, as many Chinese PDFs do; every PDF reader has it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from document_writers import (
    DocxDocument,
    DocxParagraph,
    DocxTable,
    EpubChapter,
    PdfPage,
    write_docx,
    write_epub,
    write_pdf,
)

SAMPLES = Path(__file__).resolve().parent.parent / "searcher" / "samples"

PDF_NAME = "社区网格员培训讲义.pdf"
PDF_PAGES = [
    PdfPage(
        [
            "这份讲义写给刚上岗的社区网格员。网格员的工作看起来琐碎，其实是把居民的大小事情"
            "及时接住：谁家老人独居，哪栋楼的消防通道被杂物堵了，哪个路口晚上没有路灯。",
            "第一次走进自己的网格，先不要急着填表。沿着楼栋走一圈，记下单元门、电表箱、"
            "灭火器和监控的位置，再和楼栋长聊一聊，问问最近大家最关心什么。",
        ],
        bookmark=(0, "第一讲 认识自己的网格"),
        header="棠梨街道社区网格员培训讲义",
    ),
    PdfPage(
        [
            "入户走访要带上工作证，敲门后先说明来意。遇到不愿开门的住户，不要反复敲门，"
            "可以把联系卡塞进门缝，改天再来。",
            "走访记录当天整理，写清楚时间、地点、见到的人和需要跟进的事项。记录要写事实，"
            "不写猜测；涉及隐私的内容只写在内部台账里。",
        ],
        bookmark=(1, "一、入户走访"),
        header="棠梨街道社区网格员培训讲义",
    ),
    PdfPage(
        [
            "发现安全隐患，先拍照留存，再按照轻重缓急上报。电动车在楼道里充电、燃气管道"
            "老化漏气这类紧急情况，要立即报告街道值班室，必要时拨打一一九。",
            "上报以后要回访。隐患整改完成，网格员应当再去现场看一次，确认问题真正解决，"
            "再在系统里销号。",
        ],
        bookmark=(0, "第二讲 隐患上报与回访"),
        header="棠梨街道社区网格员培训讲义",
    ),
]

DOCX_NAME = "社区值班制度.docx"
DOCX_DOCUMENT = DocxDocument(
    [
        DocxParagraph("总则", heading=1),
        DocxParagraph(
            "为保证节假日和夜间居民诉求有人接、有人办，社区实行工作人员轮流值班制度。",
            footnote="本制度自发布之日起试行，试行期六个月。",
        ),
        DocxParagraph("值班安排", heading=1),
        DocxParagraph("值班表每月初在社区公告栏和居民群公布，调班须提前一天报社区主任同意。"),
        DocxTable(
            [
                ["时段", "值班地点", "主要任务"],
                ["工作日晚间", "社区服务站", "接听居民电话，登记诉求"],
                ["周末全天", "社区活动室", "巡查楼道和消防通道，处理突发情况"],
            ]
        ),
        DocxParagraph("交接班", heading=2),
        DocxParagraph("交班人当面说明未办结事项，接班人在值班日志上签字确认。"),
    ],
    header="棠梨社区居民委员会",
    footer="内部制度，请勿外传",
    title="社区值班制度",
)

EPUB_NAME = "棠梨街道故事集.epub"
EPUB_TITLE = "棠梨街道故事集"
EPUB_CHAPTERS = [
    EpubChapter(
        "text/chapter1.xhtml",
        "第一章 雨夜的敲门声",
        [
            "那天夜里雨下得很大，社区工作者小周刚回到家，手机就响了。打电话的是三号楼的王阿姨，"
            "她说楼上漏水，顺着灯座往下滴。",
            "小周披上雨衣又出了门。他先关掉王阿姨家的电闸，再上楼敲门。楼上住着一位刚搬来的"
            "年轻人，洗衣机的排水管松了，水漫了一地。",
            "两家人一起收拾到半夜。第二天，年轻人提着一袋橘子去给王阿姨赔不是。",
        ],
        heading="第一章 雨夜的敲门声",
    ),
    EpubChapter(
        "text/chapter2.xhtml",
        "第二章 楼道里的纸箱",
        [
            "五号楼的楼道里堆了好几个月的纸箱，谁也说不清是谁家的。小周贴了三次通知，"
            "纸箱还在原地。",
            "后来他在楼道口摆了一张小桌子，周六上午守在那里，一户一户地问。原来纸箱是几家人"
            "攒着准备卖废品的，大家都以为别人会先搬走。",
            "那天中午，纸箱全部清走了。楼长说，通知贴一百张，不如有人当面问一句。",
        ],
        heading="第二章 楼道里的纸箱",
    ),
]


def write_samples(folder: Path) -> list[Path]:
    write_pdf(folder / PDF_NAME, PDF_PAGES, title="社区网格员培训讲义", chars_per_line=32)
    write_docx(folder / DOCX_NAME, DOCX_DOCUMENT)
    write_epub(folder / EPUB_NAME, EPUB_TITLE, EPUB_CHAPTERS)
    return [folder / PDF_NAME, folder / DOCX_NAME, folder / EPUB_NAME]


if __name__ == "__main__":
    for path in write_samples(Path(sys.argv[1]) if len(sys.argv) > 1 else SAMPLES):
        print(path)
