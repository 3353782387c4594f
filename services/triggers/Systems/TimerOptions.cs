using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cronos;

namespace AgentCloud.Triggers.Systems;

/// <summary>
/// A timer: exactly one of <c>cron</c> (5 fields, or 6 with seconds first; in <c>time_zone</c>, IANA, default UTC;
/// Cronos handles daylight-saving gaps and overlaps), <c>interval_seconds</c> (from <c>start_at</c>, default the
/// creation time) or <c>at</c> (one shot; with <c>reminder</c> text it is a reminder). <c>misfire</c> (<c>fire_once</c>
/// default, or <c>skip</c>) decides what happens to ticks that could not fire on time; <c>misfire_grace_seconds</c>
/// (default 60) is how late a single tick may still fire as normal. <c>payload</c> is passed into every fire.
/// </summary>
public sealed record TimerOptions(
    string? Cron, string TimeZone, int? IntervalSeconds, DateTimeOffset? StartAt, DateTimeOffset? At, string? Reminder,
    string Misfire, int MisfireGraceSeconds, JsonElement? Payload) : SystemOptions
{
    public const string FireOnce = "fire_once";
    public const string Skip = "skip";
    public const int MaxReminderLength = 2000;
    const int MaxPayloadBytes = 8 * 1024;
    static readonly TimeSpan PastAtTolerance = TimeSpan.FromSeconds(60);

    CronExpression? _expression;
    TimeZoneInfo? _zone;

    CronExpression Expression => _expression ??= ParseCron(Cron!)!;

    TimeZoneInfo Zone => _zone ??= TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    public TimeSpan Grace => TimeSpan.FromSeconds(MisfireGraceSeconds);

    public bool IsOneShot => At is not null;

    public static TimerOptions? Parse(OptionsReader reader, OptionsContext context)
    {
        reader.AllowOnly("cron", "time_zone", "interval_seconds", "start_at", "at", "reminder", "misfire", "misfire_grace_seconds", "payload");
        var cron = reader.String("cron", 200);
        var zoneId = reader.String("time_zone", 64);
        var interval = reader.Integer("interval_seconds", 1, 31_536_000);
        var startAt = reader.Instant("start_at");
        var at = reader.Instant("at");
        var reminder = reader.String("reminder", MaxReminderLength);
        var misfire = reader.OneOf("misfire", FireOnce, FireOnce, Skip);
        var grace = reader.Integer("misfire_grace_seconds", 1, 86_400) ?? 60;
        var payload = reader.Object("payload", MaxPayloadBytes);

        var kinds = new[] { reader.Has("cron"), reader.Has("interval_seconds"), reader.Has("at") }.Count(k => k);
        if (kinds != 1)
        {
            reader.Fail("cron", "Give exactly one of cron, interval_seconds or at.");
        }
        if (zoneId is not null && !TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out _))
        {
            reader.Fail("time_zone", "time_zone must be a known IANA time zone, e.g. Europe/Paris.");
        }
        if (zoneId is not null && !reader.Has("cron"))
        {
            reader.Fail("time_zone", "time_zone applies to cron only (start_at and at carry their own offset).");
        }
        if (startAt is not null && !reader.Has("interval_seconds"))
        {
            reader.Fail("start_at", "start_at applies to interval_seconds only.");
        }
        if (reminder is not null && !reader.Has("at"))
        {
            reader.Fail("reminder", "A reminder is a one-shot timer: give at.");
        }
        if (cron is not null)
        {
            if (ParseCron(cron) is not { } expression)
            {
                reader.Fail("cron", "cron must be a cron expression of 5 fields (minute hour day month weekday) or 6 with seconds first, e.g. */5 * * * * *.");
            }
            else if (zoneId is null || TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out _))
            {
                var zone = zoneId is null ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(zoneId);
                if (expression.GetNextOccurrence(context.Now ?? DateTimeOffset.UtcNow, zone) is null)
                {
                    reader.Fail("cron", "cron never fires (no date matches it).");
                }
            }
        }
        if (at is { } instant && context.Now is { } now && instant < now - PastAtTolerance)
        {
            reader.Fail("at", "at is in the past.");
        }
        return reader.Valid
            ? new TimerOptions(cron, zoneId ?? "UTC", interval, startAt, at, reminder, misfire!, grace, payload)
            : null;
    }

    static CronExpression? ParseCron(string cron)
    {
        var fields = cron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        var format = fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard;
        return fields is 5 or 6 && CronExpression.TryParse(cron, format, out var expression) ? expression : null;
    }

    /// <summary>The first tick of a timer made (or re-activated) at <paramref name="now"/>; null when there is none.</summary>
    public DateTimeOffset? FirstTick(DateTimeOffset now)
    {
        if (At is { } at)
        {
            return at;
        }
        if (IntervalSeconds is { } seconds)
        {
            var period = TimeSpan.FromSeconds(seconds);
            var anchor = StartAt ?? now + period;
            return anchor > now ? anchor : anchor + period * (Math.Floor((now - anchor) / period) + 1);
        }
        return Expression.GetNextOccurrence(now, Zone)?.ToUniversalTime();
    }

    /// <summary>The tick after <paramref name="tick"/>; null for a one-shot timer.</summary>
    public DateTimeOffset? NextTick(DateTimeOffset tick) =>
        At is not null ? null
        : IntervalSeconds is { } seconds ? tick.AddSeconds(seconds)
        : Expression.GetNextOccurrence(tick, Zone)?.ToUniversalTime();

    /// <summary>
    /// The ticks due at <paramref name="now"/> from <paramref name="scheduled"/> on: how many (counting stops at
    /// <paramref name="cap"/>) and the latest. <paramref name="scheduled"/> itself is due.
    /// </summary>
    public (int Count, DateTimeOffset Latest) DueTicks(DateTimeOffset scheduled, DateTimeOffset now, int cap = 100_000)
    {
        if (At is not null || now < scheduled)
        {
            return (1, scheduled);
        }
        if (IntervalSeconds is { } seconds)
        {
            var behind = (long)Math.Floor((now - scheduled).TotalSeconds / seconds);
            return ((int)Math.Min(behind + 1, cap), scheduled.AddSeconds(behind * (double)seconds));
        }
        var count = 0;
        var latest = scheduled;
        foreach (var tick in Expression.GetOccurrences(scheduled, now, Zone, fromInclusive: true, toInclusive: true))
        {
            latest = tick;
            if (++count >= cap)
            {
                latest = Expression.GetPreviousOccurrence(now, Zone, inclusive: true) ?? tick;
                break;
            }
        }
        return (Math.Max(count, 1), latest.ToUniversalTime());
    }

    public override JsonObject ToJson()
    {
        var json = new JsonObject();
        if (Cron is not null)
        {
            json["cron"] = Cron;
            json["time_zone"] = TimeZone;
        }
        if (IntervalSeconds is not null)
        {
            json["interval_seconds"] = IntervalSeconds;
        }
        if (StartAt is { } start)
        {
            json["start_at"] = start.ToString("O", CultureInfo.InvariantCulture);
        }
        if (At is { } at)
        {
            json["at"] = at.ToString("O", CultureInfo.InvariantCulture);
        }
        if (Reminder is not null)
        {
            json["reminder"] = Reminder;
        }
        json["misfire"] = Misfire;
        json["misfire_grace_seconds"] = MisfireGraceSeconds;
        if (Payload is { } payload)
        {
            json["payload"] = JsonNode.Parse(payload.GetRawText());
        }
        return json;
    }
}
