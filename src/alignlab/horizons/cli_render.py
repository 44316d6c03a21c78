"""How the horizons commands print without --json: tables (:func:`alignlab.cli.common.table`, which wrap on a
narrow terminal and never cut a number) of the same JSON-ready dicts; a missing value prints as "-"."""

from __future__ import annotations

from alignlab.cli.common import MISSING, fmt, table


def trend(console, d: dict) -> None:
    src = d["source"]
    where = (f"METR's published horizons, suite {src['suite']}" if src["kind"] == "published" else
             f"{src['curve']} p50 fitted to {src['file']}, release dates from {src['release_dates']}")
    filters = ", ".join(f for f, on in (("frontier only", src["frontier_only"]),
                                        (f"since {src['since']}", src["since"])) if on) or "no filter"
    console.print(f"[bold]{where}[/]: {len(d['models'])} models ({filters}); {src['bootstrap']} bootstrap draws "
                  f"(seed {d['seed']}); newest {src['holdout']} held out")
    for note in src["left_out"]:
        console.print(f"  left out: {note}")
    models = table("models", ("model", "released", "p50 min [95%]"))
    for m in d["models"]:
        models.add_row(m["model"], m["release_date"], _horizon(m["p50_minutes"], m["p50_ci"], False))
    console.print(models)
    t = d["trends"]
    e, a, s, b = t["exponential"], t["accelerating"], t["steps"], t.get("broken")
    console.print(f"[bold]exponential[/]: doubling every {_g(e['doubling_days'])} days "
                  f"{_range(e['doubling_days_ci'])}, "
                  f"R2 {_g(e['r2'])}, held-out error {_g(e['holdout_error'])} log2 min "
                  f"(held out: {', '.join(e['holdout']['models'])})")
    console.print(f"[bold]accelerating[/] (quadratic): acceleration {_g(a['acceleration'])} doublings/year per year "
                  f"{_range(a['acceleration_ci'])}, doubling every {_g(a['doubling_days_last'])} days at the newest "
                  f"model {_range(a['doubling_days_last_ci'])}, R2 {_g(a['r2'])}, held-out error "
                  f"{_g(a['holdout_error'])} log2 min")
    if b is not None:
        console.print(f"[bold]broken[/] at {b['break_date']}: " + (b["note"] or
                      f"doubling every {_g(b['doubling_days_before'])} days {_range(b['doubling_days_before_ci'])} "
                      f"before ({b['models_before']} models), {_g(b['doubling_days_after'])} "
                      f"{_range(b['doubling_days_after_ci'])} after ({b['models_after']}); a change of "
                      f"{_g(b['change'])} doublings/year {_range(b['change_ci'])}, F = {_g(b['f_statistic'])}, "
                      f"p = {_g(b['p_value'])}"))
    if s["beta_per_year"] is None:
        console.print(f"[bold]steps[/]: {s['note']}")
    else:
        console.print(f"[bold]steps[/] ({s['steps_curve']}, beta identified for {s['identified']} of {len(s['agents'])} "
                      f"agents): beta {_g(s['beta_per_year'])} per year {_range(s['beta_per_year_ci'])}; crosses 1 on "
                      f"{s['beta_crosses_1'] or 'never'} {_range(s['beta_crosses_1_ci'])}, 2 on "
                      f"{s['beta_crosses_2'] or 'never'} {_range(s['beta_crosses_2_ci'])}; held-out error "
                      f"{_g(s['holdout_error'])} log2 min" + (f"; {s['note']}" if s["note"] else ""))
    names = ("exponential", "accelerating", "steps")
    if d["forecasts"]:
        forecasts = table("forecast p50, minutes [95%]", ("date",) + names)
        for f in d["forecasts"]:
            forecasts.add_row(f["date"], *[_horizon(f[n]["p50_minutes"], f[n]["p50_ci"], False) if f[n] else MISSING
                                           for n in names])
        console.print(forecasts)
    if d["reach"]:
        reach = table("date each trend reaches a p50 [95%]", ("minutes",) + names)
        for r in d["reach"]:
            reach.add_row(_g(r["minutes"]), *[(r[n]["date"] or r[n]["note"] or MISSING) + " " + _range(r[n]["date_ci"])
                                              if r[n] else MISSING for n in names])
        console.print(reach)


def _range(ci) -> str:
    if ci is None:
        return ""
    return "[" + ", ".join(MISSING if x is None else (x if isinstance(x, str) else _g(x)) for x in ci) + "]"


def fit(console, d: dict) -> None:
    penalty = "none" if d["penalty"] is None else fmt(d["penalty"])
    console.print(f"[bold]{d['runs_file']}[/]: weights {d['weights']}, penalty {penalty}, "
                  f"{d['bootstrap']} bootstrap draws (seed {d['seed']}), cross-validation {d['cv']}")
    for a in d["agents"]:
        head = (f"{a['agent']}: {a['runs']} runs, {fmt(a['successes'])} successes, {a['tasks']} tasks in "
                f"{a['families']} families, {fmt(a['minutes_range'][0])}-{fmt(a['minutes_range'][1])} min")
        if a["note"]:
            console.print(f"[bold]{head}[/]\n  {a['note']}")
            continue
        fits = table(f"{head}; best BIC {fmt(a['best_bic'])}, best held-out {fmt(a['best_cv'])}",
                     ("curve", "parameters", "log-lik", "BIC", "held-out", "p50 min [95%]", "p80 min [95%]", "note"))
        for name, f in a["fits"].items():
            params = "\n".join(f"{k} {_g(x)}" for k, x in f["params"].items())
            limits = [f"{f[k]} {what} at the iteration limit" for k, what in (("cv_at_limit", "folds"),
                                                                              ("bootstrap_at_limit", "draws")) if f[k]]
            fits.add_row(name, params, _g(f["loglik"], 5), _g(f["bic"], 5), _g(f["cv_loglik"], 5),
                         _horizon(f["p50_minutes"], f["p50_ci"], f["extrapolated"]["p50"]),
                         _horizon(f["p80_minutes"], f["p80_ci"], f["extrapolated"]["p80"]),
                         "; ".join([f["note"]] * bool(f["note"]) + limits))
        console.print(fits)


def _g(value, digits: int = 3) -> str:
    return MISSING if value is None else f"{value:.{digits}g}"


def _horizon(value, ci, extrapolated) -> str:
    if value is None:
        return "-"
    text = _g(value)
    if ci is not None:
        text += f"\n[{_g(ci[0]) if ci[0] is not None else 'inf'}, {_g(ci[1]) if ci[1] is not None else 'inf'}]"
    return text + (" extrapolated" if extrapolated else "")


def predict(console, d: dict) -> None:
    console.print(f"[bold]{d['fit']}[/]: success probability [95% bootstrap interval]")
    for a in d["agents"]:
        success = table(a["agent"], ("curve", *(f"{_g(m)} min" for m in d["minutes"])))
        for name, c in a["curves"].items():
            if c["success"] is None:
                success.add_row(name, *[MISSING] * len(d["minutes"]))
                continue
            cells = [_g(p) + ("" if c["success_ci"] is None else f"\n{_range(c['success_ci'][i])}")
                     for i, p in enumerate(c["success"])]
            success.add_row(name, *cells)
        console.print(success)
