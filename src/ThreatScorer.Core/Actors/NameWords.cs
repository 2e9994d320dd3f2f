namespace ThreatScorer.Core.Actors;

/// <summary>
/// Word lists that keep ordinary capitalised words (sentence starts, titles, months, regions) from being reported
/// as unlisted actors. All lower-case; look-ups are by case-folded key.
/// </summary>
internal static class NameWords
{
    /// <summary>Lower-case words allowed inside names ("Organisation of the ...", "al-Qaeda", "bin Salman").</summary>
    public static readonly HashSet<string> Connectors = Set("""
        of the and for al el ad ar as ash at az ibn bin bint abu de del della der di du da dos das la le van von y et
        e wa wal fi in on upon na
        """);

    /// <summary>Titles and ranks that precede a name; they are absorbed into a person mention's span.</summary>
    public static readonly HashSet<string> Titles = Set("""
        president vice prime minister deputy first foreign defence defense interior finance affairs secretary general
        chancellor king queen prince princess crown emir sheikh sheik supreme leader ayatollah chairman chairwoman chair
        premier ambassador envoy special spokesman spokeswoman spokesperson commander chief gen lt col maj capt adm
        brig field marshal mr mrs ms dr sir dame lord lady senator sen rep representative governor mayor pope cardinal
        archbishop imam mullah mufti justice attorney judge speaker state national security adviser advisor head former
        acting interim economy trade energy health education culture agriculture transport emergency emergencies
        situations sports labour labor development home environment digital information communications science
        mr. excellency his her highness majesty colonel general lieutenant major captain sergeant admiral
        """);

    /// <summary>Capitalised words that are not actors on their own: calendar, regions, religions, institutions.</summary>
    public static readonly HashSet<string> NotActors = Set("""
        january february march april may june july august september october november december
        jan feb mar apr jun jul aug sep sept oct nov dec
        monday tuesday wednesday thursday friday saturday sunday today tomorrow yesterday
        europe european asia asian africa african middle east eastern west western north northern south southern
        central centre center arab arabs islamic islamist islamists muslim muslims christian christians jewish jews
        sunni sunnis shia shiite shiites gulf sea ocean pacific atlantic arctic caucasus balkans sahel baltic nordic
        latin soviet cold war world internet covid coronavirus english news ministry department office council
        parliament government cabinet army navy air force forces military police court assembly committee agency
        federal republic kingdom union organisation organization university institute party movement front group
        declaration treaty agreement summit conference meeting programme program plan strategy doctrine initiative
        act law bill constitution resolution charter convention protocol accord
        times post press media tv radio agency daily weekly online facebook twitter youtube instagram telegram
        whatsapp tiktok google x
        administration executive order section proclamation memorandum presidential fact sheet participants states
        house commerce god foundation golden age promise kept made national day week month year nation black
        white tribal budget investing jr sr
        """);

    /// <summary>The most frequent English words, which start sentences but do not name anyone.</summary>
    public static readonly HashSet<string> Common = Set("""
        a about above across after again against ago ahead all almost along already also although always am among an
        and another any anyone anything are around as at back be because been before being below between both but by
        can cannot could did do does doing done down during each either else enough even ever every everyone
        everything few for from further had has have having he her here hers herself him himself his how however i if
        in including indeed instead into is it its itself just last later least less let like likely many may maybe
        me meanwhile might more moreover most much must my myself near nearly neither never nevertheless new next no
        nobody none nor not nothing now of off often on once one only onto or other others otherwise our ours
        ourselves out over own perhaps per please quite rather really same several shall she should since so some
        someone something sometimes still such than that the their theirs them themselves then there therefore these
        they this those though through throughout thus to together too toward towards under unless until up upon us
        very via was we well were what whatever when whenever where whereas whether which while who whoever whole
        whom whose why will with within without would yes yet you your yours yourself yourselves
        read see said says say according reported reports report added asked told stated noted warned urged called
        thanks thank dear note update updated breaking live watch listen photo photos video image images file source
        sources editor editorial opinion analysis comment comments share related more top latest home page click
        subscribe follow sign log login copyright rights reserved all first second third last final earlier recently
        meanwhile furthermore additionally finally overall instead despite amid amidst following given regarding
        under while whilst unlike like as well after before during since until because although though
        mr mrs ms dr sir madam people person man woman men women children officials official sources source
        speaking addressing asked commenting responding earlier later then now here there
        yes no ok okay oh well so thus hence still even just only also too
        good great big small high low long short old young large major minor key main full total
        it's that's there's here's what's let's
        """);

    public static bool IsStop(string key) =>
        Common.Contains(key) || Titles.Contains(key) || NotActors.Contains(key);

    private static HashSet<string> Set(string words) =>
        new(words.Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);
}
