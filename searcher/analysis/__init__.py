"""Analysis: text → folded text and jieba words, the same for passages and queries."""
