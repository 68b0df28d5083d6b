-- areas_named: the areas whose name, Commons Library MSOA name or code matches what was
-- typed, tolerant of case, spacing, punctuation, "&" for "and", and small typos. Ranked by
-- how they match: 1 the whole name (or the code), 2 the whole name give or take a typo,
-- 3 the name's start, 4 a word's start, 5 inside a word, then within a few typing errors
-- of 6 the name's start or 7 a run of its words. The chosen level first within each; then
-- the larger areas, fewer errors, closer spellings. Code-names ("Birmingham 071B") and
-- typed text with a digit allow no typing error: another digit is another place.
-- grain: area. inputs: areas. params: $text, $level (the level preferred), $limit.
with spellings as (
    select code, level, name as spelled, false as is_typed
    from areas
    where level <> 'ca'
    union all
    select code, level, name_hcl, false
    from areas
    where level <> 'ca' and name_hcl is not null
    union all
    -- what was typed goes through the same normal form as the names
    select null, null, $text, true
),

normalised as (
    -- lower case, accents and apostrophes dropped ("King's" = "kings"), "&" and "and"
    -- dropped ("Sparkbrook & Balsall" = "sparkbrook balsall"), other punctuation a space
    select
        code,
        level,
        is_typed,
        trim(
            regexp_replace(
                regexp_replace(
                    regexp_replace(strip_accents(lower(spelled)), '[''’`]', '', 'g'),
                    '&|\band\b',
                    ' ',
                    'g'
                ),
                '[^a-z0-9]+',
                ' ',
                'g'
            )
        ) as words
    from spellings
),

typed as (
    select
        words,
        len(string_split(words, ' ')) as n_words,
        replace(words, ' ', '') as compact,
        -- typing errors allowed grow with what was typed: none below 4 letters or with
        -- a digit
        case
            when length(replace(words, ' ', '')) < 4 or regexp_matches(words, '[0-9]') then 0
            when length(replace(words, ' ', '')) < 9 then 1
            else 2
        end as errors_allowed
    from normalised
    where is_typed and words <> ''
),

named as (
    select
        n.code,
        n.level,
        n.words,
        replace(n.words, ' ', '') as compact,
        string_split(n.words, ' ') as name_words,
        regexp_matches(n.words, '[0-9]') as is_code_name
    from normalised as n
    where not n.is_typed
),

pieces as (
    select
        m.code,
        m.level,
        m.words,
        m.compact,
        m.is_code_name,
        -- the name without spaces from each word on: "balsallheatheast", "heatheast"...
        [array_to_string(m.name_words[i:], '') for i in range(1, len(m.name_words) + 1)]
            as from_each_word,
        -- every run of as many words as were typed: "balsall heath", "heath east"...
        [
            array_to_string(m.name_words[i:i + t.n_words - 1], ' ')
            for i in range(1, len(m.name_words) + 1)
        ] as word_runs,
        t.words as typed_words,
        t.compact as typed_compact,
        t.errors_allowed
    from named as m
    cross join typed as t
),

errors as (
    select
        code,
        level,
        words,
        compact,
        from_each_word,
        is_code_name,
        typed_words,
        typed_compact,
        errors_allowed,
        -- a run of words against what was typed, whole or as far as it was typed. Not
        -- worked out where no typing error is allowed (most names: the code-names); a
        -- typo in the first letter is not looked for ("small heath" is not Wall Heath).
        case when not is_code_name and errors_allowed > 0 then [
            case when left(run, 1) = left(typed_words, 1) then least(
                damerau_levenshtein(run, typed_words),
                damerau_levenshtein(left(run, length(typed_words)), typed_words)
            ) else 99 end
            for run in word_runs
        ] end as run_errors,
        case when not is_code_name and errors_allowed > 0 then [
            case when left(s, 1) = left(typed_compact, 1) then
                damerau_levenshtein(left(s, length(typed_compact)), typed_compact)
            else 99 end
            for s in from_each_word
        ] end as start_errors
    from pieces
),

scored as (
    select
        code,
        level,
        case
            when compact = typed_compact then 1
            when
                run_errors is not null
                and left(compact, 1) = left(typed_compact, 1)
                and damerau_levenshtein(compact, typed_compact) <= errors_allowed
                then 2
            when starts_with(compact, typed_compact) then 3
            when list_bool_or([starts_with(s, typed_compact) for s in from_each_word]) then 4
            when length(typed_compact) >= 3 and contains(compact, typed_compact) then 5
            when run_errors is null then null
            when least(run_errors[1], start_errors[1]) <= errors_allowed then 6
            when least(list_min(run_errors), list_min(start_errors)) <= errors_allowed then 7
        end as match_rank,
        coalesce(least(list_min(run_errors), list_min(start_errors)), 0) as typing_errors,
        jaro_winkler_similarity(words, typed_words) as similarity
    from errors
),

best_per_area as (
    select
        code,
        min(match_rank) as match_rank,
        min(typing_errors) as typing_errors,
        max(similarity) as similarity
    from scored
    where match_rank is not null
    group by code
    union all
    -- an area's code, typed whole
    select code, 1, 0, 1.0
    from areas
    where level <> 'ca' and code = upper(trim($text))
),

ranked as (
    select
        code,
        min(match_rank) as match_rank,
        min(typing_errors) as typing_errors,
        max(similarity) as similarity
    from best_per_area
    group by code
)

select
    a.code,
    a.level,
    a.name,
    a.name_hcl,
    a.display_name,
    ward.name as ward_name,
    district.name as district_name,
    r.match_rank,
    r.typing_errors,
    count(*) over () as areas_found
from ranked as r
inner join areas as a on a.code = r.code
left join areas as ward on ward.code = a.ward_code and ward.level = 'ward'
left join areas as district on district.code = a.lad_code and district.level = 'lad'
order by
    r.match_rank,
    a.level = $level desc,
    case a.level when 'lad' then 1 when 'ward' then 2 when 'msoa' then 3 else 4 end,
    r.typing_errors,
    r.similarity desc,
    a.name
limit $limit
