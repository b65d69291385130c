"""The text engine: plain Python (jieba, numpy), no Django."""
