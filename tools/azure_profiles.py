#!/usr/bin/env python3
"""Derive 168 hourly weights (Monday 00:00 UTC first, mean 1) from the
Azure LLM inference trace 2024 (DynamoLLM, Stojkovic et al., HPCA 2025).

The raw one-week CSVs (AzureLLMInferenceTrace_{code,conv}_1week.csv, 16.8 M and
27.3 M rows, hosted on azurepublicdatasettraces.blob.core.windows.net) could not
be downloaded from this machine (no network).  What *is* in the Azure/AzurePublicDataset
git repository is Microsoft's own analysis notebook
analysis/AzureLLMInferenceDataset2024.ipynb, executed on the full CSVs, whose
cell 18 plots "Number of invocations per minute" over the whole week for each
service and cell 19 plots input/output tokens per minute.  This script
digitises those embedded PNGs (pure numpy PNG decoder, no PIL):

  * axes box from the black spines, x = [first, last] minute of the trace
    (pandas sets xlim to the index range: 7 days = 10080 min exactly);
  * y scale from the grey horizontal grid lines (uniform step, 0 at the
    bottom spine because the notebook uses ylim=0);
  * per pixel column (~7.2 min for the request plots) the value is the
    median row of the blue (#1f77b4) line's ink, alpha-weighted;
  * hourly value = overlap-weighted mean of the columns inside that hour;
  * hour-of-week = (weekday(start date) * 24 + i) mod 168, start dates being
    Fri 2024-05-10 (code) and Sun 2024-05-12 (conv); timestamps in the trace
    carry +00:00, so hours are UTC.

The weeks tunecost ships are the request weights this writes, copied to
src/tunecost/scenario/profiles/azure-code-2024.csv and azure-conversation-2024.csv
(``azure2024_code_week.csv`` and ``azure2024_conv_week.csv`` here).

Usage: python3 tools/azure_profiles.py [path-to-AzurePublicDataset-git-dir] [outdir]
"""

import base64
import csv
import datetime as dt
import json
import os
import struct
import subprocess
import sys
import zlib

import numpy as np

REPO = sys.argv[1] if len(sys.argv) > 1 else "/work/.mirror/Azure+AzurePublicDataset/repo"
OUT = sys.argv[2] if len(sys.argv) > 2 else os.path.dirname(os.path.abspath(__file__))
COMMIT = "b469a113cedca53ddc3bdea71a143dc4b7d8700c"
NB_PATH = "analysis/AzureLLMInferenceDataset2024.ipynb"
NB_BLOB = "c13e66776a96ce8aa6179b1827e0beb61b682cde"
BLUE = np.array([31, 119, 180])  # matplotlib C0

# published totals (notebook cells 5/6 output: last index + 1)
TOTAL = {"code": 16803695, "conv": 27303999}
# trace start (UTC midnight) and its weekday (Mon=0)
START = {"code": dt.date(2024, 5, 10), "conv": dt.date(2024, 5, 12)}
# third-party check values: hourly sums for code 2024-05-10 00..09 UTC from
# an independent analysis of the raw CSV (see NOTES.md)
CHECK_CODE_REQ = [77540, 76895, 66953, 57781, 46575, 38670, 32595, 29267, 25758, 28504]
CHECK_CODE_CTX = [
    191030427,
    172724830,
    162954792,
    142495634,
    123213394,
    94751957,
    83413090,
    76844759,
    68051750,
    78130465,
]


def read_png(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    i, idat = 8, b""
    while i < len(data):
        (n,) = struct.unpack(">I", data[i : i + 4])
        t = data[i + 4 : i + 8]
        d = data[i + 8 : i + 8 + n]
        i += 12 + n
        if t == b"IHDR":
            w, h, bd, ct, _, _, il = struct.unpack(">IIBBBBB", d)
        elif t == b"IDAT":
            idat += d
    assert bd == 8 and il == 0
    ch = {0: 1, 2: 3, 4: 2, 6: 4}[ct]
    raw = zlib.decompress(idat)
    stride = w * ch
    out = np.zeros((h, stride), np.int32)
    prev = np.zeros(stride, np.int32)
    p = 0
    for y in range(h):
        f = raw[p]
        cur = np.frombuffer(raw[p + 1 : p + 1 + stride], np.uint8).astype(np.int32).copy()
        p += 1 + stride
        if f == 1:
            for x in range(ch, stride):
                cur[x] = (cur[x] + cur[x - ch]) & 255
        elif f == 2:
            cur = (cur + prev) & 255
        elif f == 3:
            for x in range(stride):
                cur[x] = (cur[x] + ((cur[x - ch] if x >= ch else 0) + prev[x]) // 2) & 255
        elif f == 4:
            for x in range(stride):
                a = cur[x - ch] if x >= ch else 0
                b = prev[x]
                c = prev[x - ch] if x >= ch else 0
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                cur[x] = (cur[x] + (a if pa <= pb and pa <= pc else (b if pb <= pc else c))) & 255
        out[y] = cur
        prev = cur
    return out.reshape(h, w, ch)[:, :, :3].astype(float)


def axes_box(im):
    blk = im.sum(2) < 100
    cols = np.where(blk.sum(0) > 0.5 * blk.sum(0).max())[0]
    rows = np.where(blk.sum(1) > 0.5 * blk.sum(1).max())[0]
    return float(cols.min()), float(cols.max()), float(rows.min()), float(rows.max())


def y_calibration(im, box, step):
    x0, x1, top, bot = box
    a, b = int(x0) + 3, int(x1) - 3
    grey = (np.abs(im[:, a:b] - 176).sum(2) < 9).sum(1)
    cand = [r for r in range(int(top) + 2, int(bot) - 1) if grey[r] > 0.3 * (b - a)]
    ys = []
    for r in cand:
        if ys and r - ys[-1][-1] <= 1:
            ys[-1].append(r)
        else:
            ys.append([r])
    centres = []
    for grp in ys:  # sub-pixel centroid of the grid line's darkness
        r0, r1 = grp[0] - 1, grp[-1] + 2
        wgt = (255 - im[r0:r1, a:b, 0]).clip(0).mean(1)
        centres.append(r0 + (wgt * np.arange(r1 - r0)).sum() / wgt.sum())
    centres = sorted(centres, reverse=True)  # bottom first -> step, 2 step, ...
    vals = [step * (k + 1) for k in range(len(centres))] + [0.0]
    rows = [*centres, bot]
    A = np.polyfit(vals, rows, 1)
    resid = np.array(rows) - np.polyval(A, vals)
    assert np.abs(resid).max() < 1.0, resid
    return A  # row = A0*v + A1


def digitise(im, minutes, step, mask=None):
    box = axes_box(im)
    x0, x1, top, bot = box
    A = y_calibration(im, box, step)
    alpha = np.clip((im[:, :, 2] - im[:, :, 0]) / float(BLUE[2] - BLUE[0]), 0, 1)
    alpha[(np.abs(im - BLUE).sum(2) > 60) & (alpha > 0.9)] = 0  # not the line colour
    if mask is not None:
        r0, r1, c0, c1 = mask
        alpha[r0:r1, c0:c1] = 0
    mpp = minutes / (x1 - x0)
    nh = minutes // 60
    acc = np.zeros(nh)
    wt = np.zeros(nh)
    for x in range(int(x0) + 1, int(x1)):
        a = alpha[int(top) + 1 : int(bot), x]
        if a.sum() == 0:
            continue
        rows = np.arange(int(top) + 1, int(bot))
        cw = np.cumsum(a)
        med = rows[np.searchsorted(cw, cw[-1] / 2)]
        val = (med - A[1]) / A[0]
        t0, t1 = (x - 0.5 - x0) * mpp, (x + 0.5 - x0) * mpp
        for h in range(max(0, int(t0 // 60)), min(nh - 1, int(t1 // 60)) + 1):
            ov = max(0.0, min(t1, (h + 1) * 60) - max(t0, h * 60))
            acc[h] += val * ov
            wt[h] += ov
    assert (wt > 0).all()
    return acc / wt, box, A  # mean per-minute value in each hour


def week_weights(hourly, start):
    off = start.weekday() * 24
    w = np.zeros(168)
    for i, v in enumerate(hourly):
        w[(off + i) % 168] = v
    return w / w.mean()


def stats(w):
    day = w.reshape(7, 24)
    wkday, wkend = day[:5].mean(), day[5:].mean()
    peak_h = [int(d.argmax()) for d in day]
    avg_day = day[:5].mean(0)
    return dict(
        peak_to_avg=round(float(w.max()), 3),
        trough_to_avg=round(float(w.min()), 3),
        peak_how=int(w.argmax()),
        weekday_mean=round(float(wkday), 3),
        weekend_mean=round(float(wkend), 3),
        weekend_over_weekday=round(float(wkend / wkday), 3),
        daily_peak_hour_utc_MonSun=peak_h,
        weekday_avg_peak_hour_utc=int(avg_day.argmax()),
        weekday_avg_trough_hour_utc=int(avg_day.argmin()),
        daily_sum_MonSun=[round(float(x), 2) for x in day.sum(1)],
    )


def main():
    blob = (
        subprocess.check_output(["git", "-C", REPO, "rev-parse", f"{COMMIT}:{NB_PATH}"])
        .decode()
        .strip()
    )
    assert blob == NB_BLOB, blob
    nb = json.loads(subprocess.check_output(["git", "-C", REPO, "show", f"{COMMIT}:{NB_PATH}"]))

    def pngs(cell):
        return [
            base64.b64decode(o["data"]["image/png"])
            for o in nb["cells"][cell]["outputs"]
            if "image/png" in o.get("data", {})
        ]

    req_png, tok_png = pngs(18), pngs(19)
    assert "invocations per minute" in "".join(nb["cells"][16]["source"])
    results = {}
    for k, name in enumerate(["code", "conv"]):
        im = read_png(req_png[k])
        hourly, box, A = digitise(im, 10080, 1000)
        scale = TOTAL[name] / (hourly.sum() * 60)  # calibrate level to the published row count
        req = hourly * 60 * scale
        imt = read_png(tok_png[k])
        tstep = 2e6 if name == "code" else 1e6
        # mask the legend box (top-left for code, top-right for conv); the data never reach it
        bx = axes_box(imt)
        mask = (
            (int(bx[2]), int(bx[2]) + 50, int(bx[0]), int(bx[0]) + 110)
            if name == "code"
            else (int(bx[2]), int(bx[2]) + 50, int(bx[1]) - 110, int(bx[1]))
        )
        ctx, _, _ = digitise(imt, 10080, tstep, mask)
        ctx = ctx * 60
        wr = week_weights(req, START[name])
        wt = week_weights(ctx, START[name])
        results[name] = dict(
            level_scale=round(float(scale), 4),
            box=box,
            yfit=list(map(float, A)),
            requests=stats(wr),
            ctx_tokens=stats(wt),
            corr_req_ctx=round(float(np.corrcoef(wr, wt)[0, 1]), 3),
        )
        for tag, w in [("", wr), ("_ctxtokens", wt)]:
            with open(os.path.join(OUT, f"azure2024_{name}{tag}_week.csv"), "w", newline="") as f:
                cw = csv.writer(f)
                cw.writerow(["hour_of_week", "weight"])
                for h, v in enumerate(w):
                    cw.writerow([h, f"{v:.4f}"])
        with open(os.path.join(OUT, f"azure2024_{name}_hourly_utc.csv"), "w", newline="") as f:
            cw = csv.writer(f)
            cw.writerow(["hour_start_utc", "requests_est", "ctx_tokens_est"])
            t = dt.datetime.combine(START[name], dt.time())
            for i in range(168):
                cw.writerow(
                    [
                        (t + dt.timedelta(hours=i)).strftime("%Y-%m-%dT%H:00Z"),
                        round(req[i]),
                        round(ctx[i]),
                    ]
                )
        if name == "code":
            results[name]["check_req_est_over_true_00_09"] = [
                round(float(a / b), 3) for a, b in zip(req[:10], CHECK_CODE_REQ, strict=False)
            ]
            results[name]["check_ctx_est_over_true_00_09"] = [
                round(float(a / b), 3) for a, b in zip(ctx[:10], CHECK_CODE_CTX, strict=False)
            ]
            results[name]["ctx_total_est"] = float(ctx.sum())
        else:
            results[name]["ctx_total_est"] = float(ctx.sum())
        # weekday/weekend means by UTC calendar day, as in the independent analysis
        days = [(START[name] + dt.timedelta(days=d)).weekday() for d in range(7)]
        per_day = req.reshape(7, 24)
        results[name]["weekday_mean_req_per_h"] = round(
            float(np.mean([per_day[d].mean() for d in range(7) if days[d] < 5]))
        )
        results[name]["weekend_mean_req_per_h"] = round(
            float(np.mean([per_day[d].mean() for d in range(7) if days[d] >= 5]))
        )
        results[name]["daily_peak_to_trough_req"] = {
            str(START[name] + dt.timedelta(days=d)): round(
                float(per_day[d].max() / per_day[d].min()), 1
            )
            for d in range(7)
        }
    with open(os.path.join(OUT, "derive_results.json"), "w") as f:
        json.dump(results, f, indent=1)
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
