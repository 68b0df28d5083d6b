"""How the nearest-service distances moved with the scope filter and the distance centre.

Reads one built database and recomputes, beside the build's figures, the two earlier
methods from what the database keeps:
- scope: libraries with no `closed` year of any type, and every active (A) pharmacy, as
  before the filter; located by postcode like the build, measured the new way;
- centre: the LSOA's interior (label) point on a 6,371 km sphere, as before, to the
  services in scope.

    .venv/bin/python bench/service_distance_changes.py data/arp.duckdb
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

IN_WMCA = "p.lsoa21cd in (select code from areas where level = 'lsoa')"

SCOPE_COUNTS = f"""
select s.service_type, count(*) filter (where {{old}}) as before,
       count(*) filter (where s.excluded_because is null) as after
from (select * from src_libraries union all by name select * from src_pharmacies) as s
join postcodes as p using (postcode_key)
where {IN_WMCA}
group by 1 order by 1
"""
OLD_SCOPE = "(s.service_type = 'library' and s.status = 'open') or s.status = 'active'"

EXCLUDED = f"""
select s.service_type, s.excluded_because, count(*)
from (select * from src_libraries union all by name select * from src_pharmacies) as s
join postcodes as p using (postcode_key)
where {IN_WMCA} and s.excluded_because is not null and s.status in ('open', 'active')
group by 1, 2 order by 1, 3 desc
"""

# The nearest old-scope service, measured the new way (postcode-weighted centre, grid metres).
OLD_SCOPE_KM = f"""
select c.area_code,
       min(sqrt(power(p.easting - c.easting, 2) + power(p.northing - c.northing, 2))) / 1000 as km
from lsoa_centres as c
cross join (select * from src_libraries union all by name select * from src_pharmacies) as s
join postcodes as p using (postcode_key)
where s.service_type = $kind and p.easting is not null and ({OLD_SCOPE})
group by 1
"""

# The old macro: interior point, haversine.
OLD_CENTRE_KM = """
select l.code as area_code,
       min(2 * 6371 * asin(sqrt(
           power(sin(radians(s.latitude - l.label_lat) / 2), 2)
           + cos(radians(l.label_lat)) * cos(radians(s.latitude))
           * power(sin(radians(s.longitude - l.label_lon) / 2), 2)))) as km
from areas as l
cross join services as s
where l.level = 'lsoa' and s.service_type = $kind and s.latitude is not null
group by 1
"""

CHANGE = """
select count(*) filter (where abs(new.km - old.km) > 0.0005) as lsoas_changed,
       median(abs(new.km - old.km)) as median_abs_km,
       max(abs(new.km - old.km)) as max_abs_km,
       median(new.km - old.km) as median_signed_km,
       count(*) as lsoas
from nearest_service_km($kind) as new
join ({old}) as old using (area_code)
"""


def report(con: duckdb.DuckDBPyConnection) -> None:
    print("Services in the WMCA (placed by postcode), before -> after the scope filter:")
    for kind, before, after in con.execute(SCOPE_COUNTS.format(old=OLD_SCOPE)).fetchall():
        print(f"  {kind}: {before} -> {after}")
    print("Left out in the WMCA (among rows the old filter kept):")
    for kind, reason, count in con.execute(EXCLUDED).fetchall():
        print(f"  {kind}: {reason}: {count}")
    print("Scope filter alone (both measured from the postcode-weighted centre):")
    for kind in ("library", "pharmacy"):
        changed, median, largest, signed, lsoas = con.execute(
            CHANGE.format(old=OLD_SCOPE_KM), {"kind": kind}
        ).fetchone()
        print(f"  {kind}: {changed} of {lsoas} LSOAs changed, by up to {largest:.3f} km")
    print("Centre and projection alone (interior point on a sphere -> postcode centre in BNG):")
    for kind in ("gp_practice", "pharmacy", "library"):
        changed, median, largest, signed, lsoas = con.execute(
            CHANGE.format(old=OLD_CENTRE_KM), {"kind": kind}
        ).fetchone()
        print(
            f"  {kind}: median |change| {median:.3f} km, max {largest:.3f} km, "
            f"median signed {signed:+.3f} km ({changed} of {lsoas} LSOAs moved by > 0.5 m)"
        )
    bases = con.execute("select centre_basis, count(*) from lsoa_centres group by 1").fetchall()
    print("Centre basis:", ", ".join(f"{basis} {count}" for basis, count in bases))


if __name__ == "__main__":
    database = Path(sys.argv[1] if len(sys.argv) > 1 else "data/arp.duckdb")
    with duckdb.connect(str(database), read_only=True) as connection:
        report(connection)
