"""The topic classifier reports its result in the shapes Rasa expects."""

from typing import Any, Dict

import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.topic_classifier import TopicClassifier, read_sentence_neighbours, training_pairs

EXAMPLES = {
    "faq/dfo_what_is": ["what is a distal femoral osteotomy", "explain dfo", "dfo ki"],
    "faq/vro_recovery": ["vro recovery time", "how long to stand after vro", "spica weeks vro"],
    "greet": ["hello", "hi there", "salam"],
}


def training_data() -> TrainingData:
    messages = []
    for label, texts in EXAMPLES.items():
        for text in texts:
            data: Dict[str, Any] = {"text": text, "intent": label.split("/")[0]}
            if "/" in label:
                data["intent_response_key"] = label
            messages.append(Message(data=data))
    return TrainingData(messages)


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> TopicClassifier:
    storage = LocalModelStorage(tmp_path_factory.mktemp("model"))
    resource = Resource("topic_classifier")
    context = ExecutionContext(graph_schema=None, node_name="topic_classifier")
    classifier = TopicClassifier.create({}, storage, resource, context)
    classifier.train(training_data())
    # What `rasa run` does: load the component from the stored model. The
    # thresholds that let the two models settle an answer alone are out of
    # reach here, so every FAQ question is also read by the sentence neighbours.
    return TopicClassifier.load(
        {"confident_threshold": 1.01, "answer_threshold": 1.01}, storage, resource, context
    )


def test_faq_keys_and_plain_intents_are_learnt_from_the_same_data() -> None:
    texts, labels = training_pairs(training_data())
    assert len(texts) == 9
    assert set(labels) == set(EXAMPLES)


def test_an_faq_question_gets_the_faq_intent_and_the_answer_key(trained) -> None:
    message = trained.process([Message(data={"text": "what is distal femoral osteotomy"})])[0]
    assert message.get("intent")["name"] == "faq"
    selector = message.get("response_selector")
    assert selector["all_retrieval_intents"] == ["faq"]
    response = selector["faq"]["response"]
    assert response["intent_response_key"] == "faq/dfo_what_is"
    assert response["utter_action"] == "utter_faq/dfo_what_is"
    ranking = selector["faq"]["ranking"]
    assert [entry["intent_response_key"] for entry in ranking][:1] == ["faq/dfo_what_is"]
    assert sum(entry["confidence"] for entry in ranking) == pytest.approx(1.0)


def test_the_intent_ranking_starts_with_the_intent(trained) -> None:
    message = trained.process([Message(data={"text": "hello there"})])[0]
    assert message.get("intent")["name"] == "greet"
    ranking = message.get("intent_ranking")
    assert ranking[0]["name"] == "greet"
    assert {entry["name"] for entry in ranking} == {"greet", "faq"}


def test_evidence_is_recorded_without_the_message_text(trained) -> None:
    message = trained.process([Message(data={"text": "how long to stand after vro"})])[0]
    evidence = message.get("topic_evidence")
    assert evidence["linear_label"] == "faq/vro_recovery"
    assert evidence["out_of_domain"] == []
    assert "how long" not in str(evidence)


def test_another_joint_is_never_one_of_our_answers(trained) -> None:
    text = "what is a distal femoral osteotomy of the shoulder"
    message = trained.process([Message(data={"text": text})])[0]
    evidence = message.get("topic_evidence")
    # The models read it as the DFO question; the list overrides them.
    assert evidence["linear_label"] == "faq/dfo_what_is"
    assert message.get("intent")["name"] == "out_of_scope"
    assert evidence["out_of_domain"] == ["shoulder"]


def test_a_kind_of_question_the_answer_does_not_address_gets_the_honest_answer(trained) -> None:
    text = "what causes the need for a distal femoral osteotomy, is it genetic"
    message = trained.process([Message(data={"text": text})])[0]
    evidence = message.get("topic_evidence")
    # The models read it as the DFO question; that answer never says what causes anything.
    assert evidence["linear_label"] == "faq/dfo_what_is"
    assert message.get("intent")["name"] == "beyond_sources"
    assert evidence["unanswered_kind"] == "cause"


def test_a_question_its_answer_addresses_keeps_the_answer(trained) -> None:
    message = trained.process([Message(data={"text": "what is a distal femoral osteotomy"})])[0]
    assert message.get("intent")["name"] == "faq"
    assert message.get("topic_evidence")["unanswered_kind"] is None


def test_an_untrained_classifier_leaves_messages_alone(tmp_path) -> None:
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(graph_schema=None, node_name="topic_classifier")
    classifier = TopicClassifier.load({}, storage, Resource("missing"), context)
    message = classifier.process([Message(data={"text": "hello"})])[0]
    assert message.get("intent") is None


def test_an_empty_message_reaches_the_fallback_with_an_intent_slot(trained) -> None:
    message = trained.process([Message(data={"text": ""})])[0]
    assert message.get("intent") == {"name": None, "confidence": 0.0}
    assert "intent" in message.output_properties


def test_a_question_naming_one_operation_never_gets_the_others_answer(trained) -> None:
    text = "recovery time, how long to stand, spica weeks after a knee osteotomy"
    message = trained.process([Message(data={"text": text})])[0]
    evidence = message.get("topic_evidence")
    # The models read the recovery words as the hip's recovery answer; the
    # message names the knee operation.
    assert evidence["linear_label"] == "faq/vro_recovery"
    assert message.get("intent")["name"] == "beyond_sources"
    assert evidence["unanswered_kind"] == "other_operation"


def test_the_same_question_naming_that_answers_operation_keeps_the_answer(trained) -> None:
    message = trained.process(
        [Message(data={"text": "spica weeks and how long to stand after vro"})]
    )[0]
    assert message.get("topic_evidence")["linear_label"] == "faq/vro_recovery"
    assert message.get("topic_evidence")["unanswered_kind"] is None


def test_a_question_about_the_hip_alone_never_gets_a_knee_answer(trained) -> None:
    message = trained.process([Message(data={"text": "what is wrong with my hip"})])[0]
    evidence = message.get("topic_evidence")
    # "what is" reads as the knee's what-is answer; the message is about the hip.
    assert evidence["linear_label"] == "faq/dfo_what_is"
    assert message.get("intent")["name"] == "beyond_sources"
    assert evidence["unanswered_kind"] == "other_joint"


def test_a_definition_question_gets_the_defining_answer_whatever_the_models_say(trained) -> None:
    # The three examples cannot place "knee osteotomy ki?"; the glossary can.
    message = trained.process([Message(data={"text": "হাঁটুর অস্টিওটমি কী?"})])[0]
    evidence = message.get("topic_evidence")
    assert evidence["definition"] is True
    assert evidence["linear_label"] == "faq/dfo_what_is"
    assert evidence["linear_confidence"] == 1.0
    assert message.get("response_selector")["faq"]["response"]["intent_response_key"] == (
        "faq/dfo_what_is"
    )


def test_a_term_the_model_has_no_answer_for_is_left_to_the_models(trained) -> None:
    # This toy model knows no knock-knee answer: the glossary cannot give one.
    message = trained.process([Message(data={"text": "what is a knock knee?"})])[0]
    evidence = message.get("topic_evidence")
    assert evidence["definition"] is False
    assert evidence["linear_confidence"] < 1.0


def test_a_short_question_about_one_operation_gets_its_answer_whatever_the_models_say(
    trained,
) -> None:
    # Three examples cannot tell "how is it done" from anything else; the
    # question frames (bot/nlu/question_frames.yml) can.
    message = trained.process([Message(data={"text": "DFO kivabe kora hoy?"})])[0]
    evidence = message.get("topic_evidence")
    assert evidence["question_frame"] is True
    assert evidence["definition"] is False
    assert evidence["linear_label"] == "faq/dfo_what_is"
    assert evidence["linear_confidence"] == 1.0


def test_a_story_ending_with_a_short_question_gets_its_answer_whatever_the_models_say(
    trained,
) -> None:
    text = "ammur hatu beka, daktar DFO korte bollo, eta kivabe kora hoy?"
    evidence = trained.process([Message(data={"text": text})])[0].get("topic_evidence")
    assert evidence["story_question"] is True
    assert evidence["question_frame"] is False
    assert evidence["linear_label"] == "faq/dfo_what_is"
    assert evidence["linear_confidence"] == 1.0


def test_a_framed_question_the_model_has_no_answer_for_is_left_to_the_models(trained) -> None:
    # This toy model knows no hip "why" answer (vro_cerebral_palsy).
    message = trained.process([Message(data={"text": "why is VRO done?"})])[0]
    evidence = message.get("topic_evidence")
    assert evidence["question_frame"] is False
    assert evidence["linear_confidence"] < 1.0


def test_a_question_about_cost_goes_to_staff_whatever_the_models_say(trained) -> None:
    # The toy model reads "DFO" and picks the knee's what-is answer.
    message = trained.process([Message(data={"text": "DFO operation er khoroch koto?"})])[0]
    assert message.get("intent")["name"] == "request_human"
    assert message.get("topic_evidence")["unanswered_kind"] == "cost"


def test_the_cost_of_another_operation_is_not_ours_to_quote(trained) -> None:
    message = trained.process([Message(data={"text": "what is the cost of hip replacement"})])[0]
    assert message.get("intent")["name"] != "request_human"
    assert message.get("topic_evidence")["unanswered_kind"] != "cost"


def test_rules_read_a_message_in_order_and_only_as_known_labels() -> None:
    from bot.nlu.topic_classifier import rule_reading

    labels = ["goodbye", "thank", "faq/dfo_what_is", "faq/vro_what_is"]
    assert rule_reading("nothing else", labels) == ("short_reply", "goodbye")
    assert rule_reading("what is a VRO?", labels) == ("definition", "faq/vro_what_is")
    assert rule_reading("How is DFO done?", labels) == ("question_frame", "faq/dfo_what_is")
    story = "The doctor wants to do a VRO next month. How is it done?"
    assert rule_reading(story, labels) == ("story_question", "faq/vro_what_is")
    # A label the model does not know is left to the models.
    assert rule_reading("nothing else", ["faq/dfo_what_is"]) == (None, None)
    assert rule_reading("tell me more", labels) == (None, None)


def test_a_message_the_models_read_as_urgent_is_never_routed_elsewhere(tmp_path) -> None:
    # A cost question inside an urgent message: the urgent reading stays.
    storage = LocalModelStorage(tmp_path)
    resource = Resource("topic_classifier")
    context = ExecutionContext(graph_schema=None, node_name="topic_classifier")
    classifier = TopicClassifier.create({}, storage, resource, context)
    urgent = [
        "he is burning hot and will not wake",
        "she is very sleepy and floppy",
        "hot, floppy, sleepy",
    ]
    messages = [
        Message(data={"text": text, "intent": label})
        for label, texts in {"urgent_symptoms": urgent, "greet": ["hello", "hi there"]}.items()
        for text in texts
    ]
    classifier.train(TrainingData(messages))
    message = classifier.process(
        [Message(data={"text": "she is very sleepy and floppy, how much will the treatment cost"})]
    )[0]
    assert message.get("intent")["name"] == "urgent_symptoms"
    assert message.get("topic_evidence")["unanswered_kind"] is None


def test_an_english_question_gets_the_label_of_the_examples_closest_in_meaning(trained) -> None:
    message = Message(data={"text": "how many weeks in a spica cast after vro", "language": "en"})
    evidence = trained.process([message])[0].get("topic_evidence")
    assert evidence["sentence_label"] == "faq/vro_recovery"
    assert 0.5 < evidence["sentence_similarity"] <= 1.0


def test_a_message_in_another_language_gets_no_sentence_reading(trained) -> None:
    message = Message(data={"text": "vro recovery koto din", "language": "bn_latn"})
    evidence = trained.process([message])[0].get("topic_evidence")
    assert evidence["sentence_label"] is None
    assert evidence["sentence_similarity"] is None


def test_the_stored_sentence_vectors_are_read_back_with_the_model(tmp_path) -> None:
    storage = LocalModelStorage(tmp_path)
    resource = Resource("topic_classifier")
    context = ExecutionContext(graph_schema=None, node_name="topic_classifier")
    TopicClassifier.create({}, storage, resource, context).train(training_data())
    with storage.read_from(resource) as directory:
        neighbours = read_sentence_neighbours(directory)
    assert neighbours is not None
    assert sorted(set(neighbours.labels)) == sorted(EXAMPLES)
    assert neighbours.vectors.shape == (9, 384)


def test_the_sentence_neighbours_are_not_asked_when_the_two_models_settle_the_answer(
    tmp_path,
) -> None:
    storage = LocalModelStorage(tmp_path)
    resource = Resource("topic_classifier")
    context = ExecutionContext(graph_schema=None, node_name="topic_classifier")
    TopicClassifier.create({}, storage, resource, context).train(training_data())
    text = "how many weeks in a spica cast after vro"

    def read(config):
        classifier = TopicClassifier.load(config, storage, resource, context)
        message = Message(data={"text": text, "language": "en"})
        return classifier.process([message])[0].get("topic_evidence")

    asked = read({"confident_threshold": 1.01, "answer_threshold": 1.01})
    assert asked["sentence_label"] == "faq/vro_recovery"
    # A linear model this sure answers alone: no encoding, no sentence reading.
    settled = read({"confident_threshold": 0.0})
    assert settled["sentence_label"] is None
    assert settled["sentence_similarity"] is None
