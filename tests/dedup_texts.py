"""Hand-written articles for the dedup tests: one story, its copies, and look-alikes that are not copies."""

ORIGINAL = [
    "The Harbour Board of Portville voted on Monday to build a tidal flood barrier across the mouth of the Wren estuary, "
    "after three winters in which storm surges flooded more than 400 homes in the old town.",
    "The barrier will cost 86 million pounds and take four years to complete, according to the board's chief engineer, "
    "Miriam Okafor, who presented the final design to a packed meeting at the customs house.",
    "Okafor said the steel gates would stay open in normal weather so that fishing boats and ferries could pass, "
    "and would close only when forecasters predicted a surge higher than two metres.",
    "Residents of Quay Street, where water reached the first floor of several houses in January, applauded the decision "
    "but asked why work could not start before next winter.",
    '"We have been bailing out our kitchens for three years," said Tom Baxter, who runs a bakery near the harbour. '
    '"Every month of delay is another month of sandbags at the door."',
    "The board expects the national flood agency to pay two thirds of the cost, with the rest raised through a levy on "
    "port fees and a loan from the regional investment bank.",
    "Environmental groups have warned that the barrier could change how silt moves through the estuary, threatening "
    "the mudflats where thousands of wading birds feed each autumn.",
    "The board promised a five-year monitoring programme for the mudflats and said it would publish the water quality "
    "data every month on its website.",
]

# The same wire copy on another site: its own header and footer, house style, one sentence trimmed.
SYNDICATED = (
    ["WESTSHORE NEWS | Local | Weather | Sport", "Skip to main content"]
    + [p.replace("pounds", "pound").replace('"', "'") for p in ORIGINAL[:6]]
    + [ORIGINAL[6], "Sign up for the Westshore News morning briefing.", "Comments are closed on this story."]
)

TRUNCATED = ORIGINAL[:3] + ["Read the full story in tomorrow's print edition."]

REORDERED = [ORIGINAL[i] for i in (1, 0, 3, 2, 5, 4, 7, 6)]

# The same article reworded sentence by sentence: same facts, names, figures and order.
REWRITE = [
    "Portville's Harbour Board on Monday approved plans for a tidal flood barrier at the mouth of the Wren estuary, "
    "following three winters of storm surges that left over 400 homes in the old town under water.",
    "Chief engineer Miriam Okafor, unveiling the final design before a crowded customs house meeting, put the cost of "
    "the barrier at 86 million pounds and said building it would take four years.",
    "In ordinary weather the steel gates are to remain open to let ferries and fishing boats through, Okafor explained, "
    "shutting only when a surge of more than two metres is forecast.",
    "On Quay Street, where floodwater climbed to the first floor of some houses in January, residents welcomed the vote "
    "yet questioned why construction could not begin ahead of next winter.",
    "Tom Baxter, a baker whose shop is close to the harbour, said locals had spent three years bailing water from their "
    "kitchens and that each month of delay meant another month of sandbags by the door.",
    "Two thirds of the cost is expected to come from the national flood agency, the board said, while a port fee levy "
    "and a regional investment bank loan would cover the remainder.",
    "Campaigners for the environment cautioned that the barrier might alter the movement of silt in the estuary and "
    "endanger mudflats where thousands of wading birds feed every autumn.",
    "In response the board pledged to monitor the mudflats for five years and to put monthly water quality figures "
    "on its website.",
]

# Another reporter's story about the same meeting: same names and figures, its own sentences and order.
INDEPENDENT = [
    "Bakers, fishermen and pensioners crowded into Portville's customs house on Monday evening to hear whether the town "
    "would finally get protection from the sea.",
    "Tom Baxter arrived with a photograph of his bakery in January, the floor hidden under brown water, and held it up "
    "while members of the Harbour Board took their seats.",
    "Birdwatchers in the back rows carried placards about the Wren estuary mudflats, which they fear will silt up once "
    "the tides are controlled.",
    "When the vote came it was unanimous, and the room broke into applause that lasted almost a minute.",
    "Miriam Okafor, the engineer who has spent two years on the project, told reporters afterwards that she had never "
    "seen a public meeting like it.",
    "Funding remains the biggest question: the national flood agency has not yet confirmed its 86 million pound "
    "contribution, and the levy on port fees still needs approval from ministers.",
    "Some residents of Quay Street said they would believe in the barrier only when they saw the first steel gate "
    "lowered into the water, four years from now at the earliest.",
]

UNRELATED = [
    "The public library in Elmford will stay open until nine in the evening on weekdays from next month, the county "
    "council announced on Thursday.",
    "Librarian Grace Holt said students had asked for longer hours during exam season and that a survey of 1,200 "
    "readers showed strong support for evening opening.",
    "The council will pay for the extra hours by closing the mobile library van on Saturdays, a decision that some "
    "villages outside the town have criticised.",
    "The library will also add a quiet study room on the first floor, with forty desks and free wireless internet, "
    "before the summer holidays.",
]


def text(paragraphs: list[str]) -> str:
    return "\n\n".join(paragraphs)
