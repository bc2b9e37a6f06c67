import { describe, expect, it } from "vitest";
import { topicTags } from "../../src/feedback/topic.tags.js";

describe("suggestion topic words for the dashboard's hot topics (003 §8.3)", () => {
  it("names what the suggestion is about, not the words around it", () => {
    // The trade's words stay whole; modal words are not topics.
    expect(topicTags("我有个建议，快递柜能不能多放几个")).toEqual(["快递柜"]);
    expect(topicTags("希望快递员能送货上门")).toContain("快递员");
    expect(topicTags("能不能晚上也派送")).not.toContain("不能");
    expect(topicTags("建议增加周末派送")).toEqual(expect.arrayContaining(["派送", "周末"]));
  });
});
