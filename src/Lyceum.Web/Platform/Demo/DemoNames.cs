namespace Lyceum.Platform.Demo;

/// <summary>
/// Names and places that look like an English school's. Bogus's en_GB locale falls back to American filler for
/// several of these (and has no gendered first names), so the demo picks from these lists with Bogus's seeded random.
/// </summary>
internal static class DemoNames
{
    public static readonly string[] Female =
    [
        "Olivia", "Amelia", "Isla", "Ava", "Mia", "Ivy", "Lily", "Isabella", "Rosie", "Sophia", "Grace", "Willow",
        "Freya", "Florence", "Emily", "Ella", "Poppy", "Evie", "Elsie", "Charlotte", "Evelyn", "Sienna", "Daisy",
        "Phoebe", "Harper", "Ruby", "Alice", "Matilda", "Sophie", "Chloe", "Jessica", "Hannah", "Zara", "Aisha",
        "Maryam", "Amira", "Priya", "Anaya", "Layla", "Nadia", "Erin", "Megan", "Holly", "Lucy", "Imogen", "Maisie",
        "Eleanor", "Georgia", "Katie", "Niamh", "Rebecca", "Sarah", "Laura", "Emma", "Rachel", "Helen", "Claire",
        "Joanne", "Nicola", "Victoria", "Kirsty", "Natalie", "Amy", "Gemma", "Louise", "Catherine", "Fatima",
    ];

    public static readonly string[] Male =
    [
        "Noah", "Oliver", "George", "Arthur", "Muhammad", "Leo", "Harry", "Oscar", "Archie", "Henry", "Theodore",
        "Freddie", "Jack", "Charlie", "Finley", "Alfie", "Thomas", "Jacob", "Isaac", "Lucas", "Edward", "Joshua",
        "Max", "James", "Samuel", "William", "Logan", "Daniel", "Ethan", "Reuben", "Mason", "Adam", "Zain", "Yusuf",
        "Ibrahim", "Arjun", "Rohan", "Kai", "Tyler", "Callum", "Dylan", "Ryan", "Liam", "Connor", "Jamie", "Ben",
        "Matthew", "David", "Mark", "Paul", "Andrew", "Richard", "Simon", "Stephen", "Christopher", "Michael",
        "Gareth", "Darren", "Craig", "Neil", "Robert", "Ali", "Hassan", "Owen", "Rhys", "Lewis",
    ];

    public static readonly string[] Surnames =
    [
        "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Robinson", "Wright",
        "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Thomas", "Clarke", "Jackson", "Wood",
        "Harris", "Edwards", "Turner", "Martin", "Cooper", "Hill", "Ward", "Hughes", "Moore", "Clark", "King",
        "Harrison", "Lewis", "Baker", "Lee", "Allen", "Morris", "Khan", "Scott", "Watson", "Davis", "Parker",
        "James", "Bennett", "Young", "Phillips", "Richardson", "Mitchell", "Bailey", "Carter", "Cook", "Singh",
        "Shaw", "Bell", "Collins", "Morgan", "Kelly", "Begum", "Miller", "Cox", "Hussain", "Marshall", "Simpson",
        "Price", "Anderson", "Adams", "Wilkinson", "Ali", "Ahmed", "Foster", "Ellis", "Murphy", "Chapman", "Mason",
        "Gray", "Richards", "Webb", "Griffiths", "Hunt", "Palmer", "Campbell", "Holmes", "Mills", "Rogers",
        "Barnes", "Knight", "Matthews", "Barker", "Powell", "Stevens", "Kaur", "Dixon", "Dawson", "Lloyd", "Nowak",
        "Kowalski", "Okafor", "Mensah", "O'Brien", "Fletcher", "Reid", "Hudson", "Pearson", "Chen", "Nguyen",
    ];

    public static readonly string[] Towns =
    [
        "Ashford", "Bramley", "Castleford", "Dunmore", "Eastwood", "Fairfield", "Greenhill", "Hartley", "Kingsbridge",
        "Langley", "Marlow", "Northfield", "Oakham", "Pembury", "Queensbury", "Riverside", "Stanmore", "Thornbury",
        "Upton", "Westbrook", "Whitchurch", "Wickham", "Yarmouth", "Alderley", "Beaconsfield", "Chesterton",
    ];

    public static readonly string[] Streets =
    [
        "High Street", "Station Road", "Church Lane", "Park Avenue", "Victoria Road", "Mill Lane", "Green Lane",
        "Manor Road", "Kings Road", "Queens Road", "School Lane", "The Crescent", "Chestnut Close", "Orchard Way",
        "Meadow View", "Elm Grove", "Springfield Road", "Windsor Drive", "York Road", "Alexandra Road", "Grange Road",
        "Newton Street", "Oak Avenue", "Beech Road", "Willow Way", "Cedar Court", "Riverside Walk", "Hillside",
    ];
}
